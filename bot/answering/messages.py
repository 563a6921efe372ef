"""Every interface sentence the assistant says, in English source form, marked for gettext.

Translations live in ``translations/<lang>/LC_MESSAGES/messages.po``. Placeholders use
``{name}`` and are filled after translation. Keep sentences short and plain: many readers
have little German and some little reading practice.
"""

from __future__ import annotations

from bot.i18n import N_

GREETING = N_(
    "Hello! I am Wegweiser, the chat assistant of the Kommunales Integrationszentrum (KI). "
    "I answer questions about the KI's services from information the KI team checked. "
    "I give no legal advice. Write your question in your language. "
    "If I cannot help, I pass your question to a person from the KI team."
)
PRIVACY_SHORT = N_(
    "I store only what is needed to answer you. You can delete your data at any time."
)

CLARIFY = N_("I am not sure what you mean. Which of these topics fits your question?")
CLARIFY_EMPTY = N_("Please write your question in a few words.")
CLARIFY_PICK_HINT = N_("Answer with the number of the topic.")

HANDOFF_OFFER = N_(
    "I have no checked answer to this question. I can pass it to the KI team; "
    "a person will answer you here in this chat."
)
HANDOFF_HUMAN = N_(
    "Of course. I can pass your message to the KI team; a person will answer you here "
    "in this chat."
)
HANDOFF_ATTACHMENT = N_(
    "I cannot read voice messages, photos or files myself. I can pass them to the KI team "
    "together with your question."
)
ASK_PERSON_HINT = N_("Not the right answer? You can ask a person from the KI team.")

FALLBACK_ENGLISH = N_("This answer is not yet available in your language. Here it is in English.")
FALLBACK_GERMAN = N_("This answer is not yet available in your language. Here it is in German.")

SOURCE_LINE = N_("Source: {source}. Last checked: {date}.")
NEEDS_REVIEW = N_(
    "The KI team is checking this information. Please call or write before you go there."
)

NO_LEGAL_ADVICE = N_("Please note: neither this assistant nor the KI gives legal advice.")
LEGAL_REFERRAL = N_(
    "Your question is about your personal legal situation. I cannot assess that, and "
    "the KI does not give legal advice either. Please ask a counselling service or a lawyer."
)
LEGAL_REFERRAL_GENERAL = N_(
    "For an individual legal assessment, please turn to a recognised counselling service "
    "or a lawyer."
)

EMERGENCY = N_(
    "If you or someone else is in danger now, call for help immediately:\n"
    "Police: 110\n"
    "Fire brigade and ambulance: 112\n"
    "Help for women affected by violence (free, day and night, in many languages): 116 016\n"
    "Telefonseelsorge, if you are in despair (free, day and night): 0800 111 0 111"
)
EMERGENCY_AFTER = N_(
    "The calls are free. You can also tell them the address in German: say your street "
    "and house number."
)

UNSUPPORTED_LANGUAGE = N_(
    "Sorry, I can only answer in these languages: {languages}. "
    "Please write your question in one of them."
)
TOO_LONG = N_("Your message is very long. I have read the beginning of it.")
NOT_TEXT = N_(
    "I can only read text messages. Please write your question, or ask for a person from "
    "the KI team."
)

CONTACT_PHONE = N_("Phone")
CONTACT_FAX = N_("Fax")
CONTACT_EMAIL = N_("E-mail")
CONTACT_WEB = N_("Web")
CONTACT_ADDRESS = N_("Address")

CATEGORY_NAMES = {
    "about": N_("About the KI"),
    "contact": N_("Contact"),
    "school": N_("School and education"),
    "language": N_("Learning German"),
    "family": N_("Children, young people and families"),
    "community": N_("Taking part and meeting people"),
    "counselling": N_("Advice and help"),
    "professionals": N_("For schools and organisations"),
}

CHAT_WELCOME = N_(
    "Commands: /lang CODE changes the language, /city NAME changes the city, /quit ends."
)
CHAT_LANGUAGE_SET = N_("Language: {language}")
CHAT_CITY_SET = N_("City: {city}")
CHAT_UNKNOWN_CITY = N_("I know these cities: {cities}")
CHAT_UNKNOWN_LANGUAGE = N_("I know these languages: {languages}")
CHAT_HANDOFF_DEMO = N_(
    "(In the terminal there is no KI team to pass your question to. On Telegram and in the "
    "web chat, a person would answer you.)"
)
