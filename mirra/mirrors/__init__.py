"""The mirror framework and one package per vendor.

Mirror code is transport-free: it takes a `MirrorRequest` and returns a `MirrorResponse`. The
proxy addon and the direct-mode route are thin adapters around `pipeline.handle`.
"""
