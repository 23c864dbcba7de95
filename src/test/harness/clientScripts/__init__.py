"""Client scripts for mrt's tests: each module has call(jobs), as MCPClient's scripts do."""
