"""The ``wegweiser`` command: the composition root for every interface.

Sub-commands: ``chat`` (terminal conversation), ``ask`` (one question or JSON lines),
``eval`` (score an evaluation file), ``kb check`` and ``kb stats`` (for editors).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

__all__ = ["main"]

logger = logging.getLogger("bot")
CITIES = ("krefeld", "essen")


def _add_common(parser: argparse.ArgumentParser, *, city: bool = True) -> None:
    parser.add_argument("--knowledge", type=Path, metavar="DIR",
                        help="knowledge folder (default: WEGWEISER_KNOWLEDGE_DIR or ./knowledge)")
    if city:
        parser.add_argument("--city", choices=CITIES, help="the person's city")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wegweiser",
        description="Multilingual assistant of the Kommunale Integrationszentren.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = commands.add_parser("chat", help="talk to the assistant in the terminal")
    _add_common(chat)
    chat.add_argument("--lang", help="start in this language (de, en, ar, ...)")

    ask = commands.add_parser("ask", help="answer one question, or JSON lines from stdin")
    _add_common(ask)
    ask.add_argument("--json", action="store_true", help="print the outcome as JSON")
    ask.add_argument("--jsonl", action="store_true",
                     help='read {"id", "text", "city"} lines on stdin, write one JSON line each')
    ask.add_argument("text", nargs="*", help="the question")

    run = commands.add_parser("run", help="run the Telegram bot (long polling)")
    run.add_argument("--knowledge", type=Path, metavar="DIR", help="knowledge folder")

    serve = commands.add_parser("serve", help="run the web chat, staff console and editor "
                                "workspace (and the Telegram bot if configured)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8080)")
    users = commands.add_parser("users", help="console users")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="create a console user (asks for a password)")
    add.add_argument("username")
    add.add_argument("--role", choices=("staff", "editor", "admin"), default="staff")
    add.add_argument("--name", help="name shown in the console")
    add.add_argument("--languages", default="", help="languages read, e.g. ar,fa")
    evaluate = commands.add_parser("eval", help="score the assistant on an evaluation file")
    _add_common(evaluate, city=False)
    evaluate.add_argument("file", type=Path, help="JSON lines as in tests/fixtures/eval/dev.jsonl")
    evaluate.add_argument("--failures", type=int, default=50, metavar="N",
                          help="list at most N failures (default 50)")

    kb = commands.add_parser("kb", help="check the knowledge base or show statistics")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = kb_commands.add_parser("check", help="validate every entry file")
    _add_common(check, city=False)
    check.add_argument("--no-confusables", action="store_true",
                       help="skip the (slower) search for confusable entries")
    stats = kb_commands.add_parser("stats", help="entries per city and language coverage")
    _add_common(stats, city=False)
    stats.add_argument("--json", action="store_true", help="print JSON for scripts")
    return parser


def _configure_logging(settings: Settings, verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else getattr(logging, settings.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:  # Alembic announces each of its plugins at INFO on every start
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(knowledge_dir=getattr(args, "knowledge", None))
    except ConfigError as exc:
        print(f"wegweiser: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings, args.verbose)
    if args.command == "kb":
        from bot.kb import commands as kb_commands

        if args.kb_command == "check":
            return kb_commands.check(settings, confusables=not args.no_confusables)
        return kb_commands.stats(settings, as_json=args.json)
    if args.command == "chat":
        from bot.channels import terminal

        return terminal.run(settings, city=args.city or settings.default_city, language=args.lang)
    if args.command == "ask":
        from bot.channels import batch

        if args.jsonl:
            return batch.run_jsonl(settings, city=args.city, stdin=sys.stdin, stdout=sys.stdout)
        return batch.run_one(settings, " ".join(args.text), city=args.city, as_json=args.json)
    if args.command == "run":
        from bot.channels.telegram import runner

        return runner.run(settings)
    if args.command == "serve":
        from bot.web import server

        overrides = {k: v for k, v in (("web_host", args.host), ("web_port", args.port)) if v}
        return server.serve(settings.model_copy(update=overrides))
    if args.command == "users":
        from bot.web import server

        return server.add_user_command(settings, args.username, args.role, args.name,
                                       [c for c in args.languages.split(",") if c])
    if args.command == "eval":
        from bot import evaluation

        return evaluation.run(settings, args.file, max_failures=args.failures)
    return 2  # pragma: no cover - argparse enforces a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
