"""The transport-neutral conversation: what a person can do in any channel, and the handoff."""
