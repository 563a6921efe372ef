"""Interface texts of the web chat page (the assistant's own messages are in
:mod:`bot.conversation.texts`). Translated in ``translations/``."""

from __future__ import annotations

from bot.i18n import N_

PAGE_TITLE = N_("Wegweiser: questions about the integration centre")
HEADING = N_("Wegweiser")
SUBHEADING = N_("Questions about the Kommunales Integrationszentrum {city}")
SUBHEADING_ANY = N_("Questions about the Kommunale Integrationszentren")
LANGUAGE_LABEL = N_("Language")
NO_LEGAL_ADVICE = N_("No legal advice. For legal questions we show you counselling services.")
EMERGENCY = N_("In danger? Call 112 (fire, ambulance) or 110 (police).")
MESSAGE_LABEL = N_("Your question")
MESSAGE_PLACEHOLDER = N_("Write your question in your language")
SEND = N_("Send")
CONVERSATION_LABEL = N_("Conversation with the assistant")
YOU = N_("You")
ASSISTANT = N_("Wegweiser")
MENU_TOPICS = N_("Topics")
MENU_HUMAN = N_("Ask a person")
MENU_PRIVACY = N_("Privacy")
MENU_DELETE = N_("Erase my data")
CONNECTION_LOST = N_("Connection lost. Trying again…")
SENDING_FAILED = N_("Your message could not be sent. Please try again.")
TOO_LONG = N_("Please write at most {count} characters.")
