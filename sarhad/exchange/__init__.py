"""Exchange between nodes: access tokens, the peer registry, the TAXII 2.1 client and verified sync."""
