"""mrt's test stand-in for MCPClient's `client` package: the same interface (Job, loader,
worker) that Archivematica's client scripts and runners use, written for mrt's tests."""
