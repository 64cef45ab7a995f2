"""liubu (六步): an open-source cyber insurance platform.

The six steps of the lifecycle: 保前诊断 pre-bind diagnosis, 保前治疗 pre-bind treatment,
保中服务 in-term service, 保中监控 in-term monitoring, 保后救援 post-incident rescue,
保后赔偿 post-incident compensation.
"""

__version__ = "0.1.0"
