"""Interface sentences of the conversation (commands, handoff, privacy), marked for gettext.

The answering core's sentences are in :mod:`bot.answering.messages`; these are the ones a
channel with buttons and a staff team needs. Staff-facing texts are German (staff_texts).
"""

from __future__ import annotations

from bot.i18n import N_

CHOOSE_LANGUAGE = N_("Please choose your language.")
LANGUAGE_SET = N_("I will answer you in English. You can change this with /language.")
CHOOSE_CITY = N_("Which city do you live in?")
CITY_SET = N_("Your city: {city}. You can change it with /city.")
PRIVACY = N_(
    "What I store: the number of this chat, your language and city. If you ask for a "
    "person from the KI team, I also store your messages to the team and your Telegram name, "
    "so the team can answer you. Conversation texts are deleted {days} days after a question "
    "is closed. With /delete you can erase everything at any time."
)
HELP = N_(
    "Write your question in your own words. I answer from information the KI team checked.\n"
    "/topics - browse the topics\n"
    "/contact - how to reach the KI\n"
    "/human - ask a person from the KI team\n"
    "/language - change the language\n"
    "/city - change the city\n"
    "/privacy - what I store\n"
    "/delete - erase your data"
)
COMMAND_START = N_("Start and greeting")
COMMAND_HELP = N_("What I can do")
COMMAND_TOPICS = N_("Browse the topics")
COMMAND_CONTACT = N_("How to reach the KI")
COMMAND_HUMAN = N_("Ask a person from the KI team")
COMMAND_LANGUAGE = N_("Change the language")
COMMAND_CITY = N_("Change the city")
COMMAND_PRIVACY = N_("What I store about you")
COMMAND_DELETE = N_("Erase your data")

BUTTON_HELPFUL = N_("Helpful")
BUTTON_NOT_HELPFUL = N_("Not helpful")
BUTTON_ASK_PERSON = N_("Ask a person")
BUTTON_NONE_OF_THESE = N_("None of these")
BUTTON_YES_FORWARD = N_("Yes, send it to the KI team")
BUTTON_NO = N_("No, thank you")
BUTTON_YES_DELETE = N_("Yes, erase everything")
BUTTON_BACK = N_("Back")

FEEDBACK_THANKS = N_("Thank you for your feedback!")
FEEDBACK_SORRY = N_(
    "Thank you. I am sorry this did not help. You can ask a person from the KI team."
)

CONSENT_QUESTION = N_(
    "Shall I send your question to the KI team? They will see your message and your "
    "Telegram name, and answer you here in this chat."
)
CONSENT_ASK_FIRST = N_("Please write your question first. Then I can send it to the KI team.")
HUMAN_WRITE_QUESTION = N_(
    "Please write your question for the KI team in one message. I will then ask you whether "
    "I may send it."
)
HANDOFF_CONFIRMED = N_(
    "Your question has been sent to the KI team. A person will answer you here in this chat. "
    "Until then, everything you write here goes to the team."
)
HANDOFF_CONFIRMED_HOURS = N_("The team answers during office hours: {hours}")
HANDOFF_DECLINED = N_("All right, I have not sent anything. You can ask me something else.")
TICKET_STILL_OPEN = N_(
    "Your question is with the KI team. I have passed on your message; a person will answer you "
    "here."
)
TICKET_CLOSED = N_(
    "The KI team has closed your question. I am the assistant again: you can ask me anything."
)
STAFF_REPLY_PREFIX = N_("KI team")

TOPICS_CHOOSE_CATEGORY = N_("Choose a topic area:")
TOPICS_CHOOSE_ENTRY = N_("Choose a topic:")
TOPICS_EMPTY = N_("There are no topics in this area for your city yet.")

DELETE_CONFIRM = N_(
    "Do you want to erase everything I have stored about you? Open questions to the KI team "
    "will be closed."
)
DELETE_DONE = N_(
    "Done. I have erased: your language and city settings, {tickets} question(s) to the KI "
    "team with all messages, and your feedback. If you write again, I start from the "
    "beginning."
)
DELETE_CANCELLED = N_("Nothing was erased.")

RATE_LIMITED = N_(
    "You are writing very fast. Please wait a minute, then I will answer again."
)
EDITED_MESSAGE = N_("I saw that you changed a message. Please send your question as a new message.")
UNKNOWN_COMMAND = N_("I do not know this command. /help shows what I can do.")
EXPIRED_BUTTON = N_("This button is no longer valid. Please write your question again.")
