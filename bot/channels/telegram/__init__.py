"""The Telegram channel: thin handlers, rendering, and delivery of the outbox."""

import os

# python-telegram-bot 22 reports RetryAfter.retry_after as a timedelta when asked to, and
# warns otherwise; we ask (the dispatcher understands both).
os.environ.setdefault("PTB_TIMEDELTA", "true")
