"""One module per command; each imports its heavy dependencies (copier, httpx) only when it runs."""
