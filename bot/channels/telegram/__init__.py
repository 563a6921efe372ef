"""The Telegram channel: thin handlers, rendering, and delivery of the outbox."""
