"""``incidentmap orgs ...`` and ``incidentmap users ...``: accounts from the command line."""

from __future__ import annotations

import sys

from data.privacy.roles import ACCOUNT_ROLES, needs_second_factor


def register(sub) -> None:
    """Add the ``orgs`` and ``users`` commands to the ``incidentmap`` sub-parsers."""
    orgs = sub.add_parser("orgs", help="member organisations")
    orgs_sub = orgs.add_subparsers(dest="orgs_command", required=True, metavar="ORGS_COMMAND")
    add = orgs_sub.add_parser("add", help="add a member organisation")
    add.add_argument("slug", help="short lower-case name, e.g. ngo-athens")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--country", required=True, help="member state, ISO alpha-2 (e.g. GR)")
    add.add_argument("--public-name", action="store_true",
                     help="the organisation agrees to be named in public outputs")
    add.set_defaults(func=_orgs_add)
    orgs_sub.add_parser("list", help="list organisations").set_defaults(func=_orgs_list)

    users = sub.add_parser("users", help="user accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True,
                                     metavar="USERS_COMMAND")
    add = users_sub.add_parser(
        "add", help="create an account and print a one-time link to choose its password")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--org", help="organisation slug (required for reporters)")
    add.add_argument("--name", default="", help="the person's name")
    _base_url(add)
    add.set_defaults(func=_users_add)
    link = users_sub.add_parser(
        "link", help="print a new one-time link to (re)set an account's password")
    link.add_argument("email")
    _base_url(link)
    link.set_defaults(func=_users_link)
    users_sub.add_parser("list", help="list accounts").set_defaults(func=_users_list)
    revoke = users_sub.add_parser("revoke-tokens",
                                  help="revoke every personal API token of an account")
    revoke.add_argument("email")
    revoke.set_defaults(func=_users_revoke_tokens)
    reset = users_sub.add_parser(
        "reset-2fa", help="reset an account's second factor (a lost phone; audited, ends its "
        "sessions; it sets up a new one at its next login)")
    reset.add_argument("email")
    reset.set_defaults(func=_users_reset_second_factor)
    for name, active in (("disable", False), ("enable", True)):
        command = users_sub.add_parser(name, help=f"{name} an account"
                                       + (" (ends its sessions)" if not active else ""))
        command.add_argument("email")
        command.set_defaults(func=_users_active, active=active)


def _base_url(parser) -> None:
    parser.add_argument("--base-url", default=None,
                        help="where users reach the dashboard (default: INCIDENTMAP_BASE_URL)")


def _engine(settings):
    from data.store.opening import open_migrated

    return open_migrated(settings)


def _fail(exc) -> int:
    print(f"incidentmap: error: {exc}", file=sys.stderr)
    return 2


def _orgs_add(args, settings) -> int:
    from data.people.accounts import AccountError, add_organisation

    try:
        add_organisation(_engine(settings), args.slug, args.name, args.country.upper(),
                         public_name=args.public_name)
    except AccountError as exc:
        return _fail(exc)
    print(f"organisation {args.slug} added ({args.country.upper()}); name shown publicly: "
          f"{'yes' if args.public_name else 'no'}")
    return 0


def _orgs_list(_args, settings) -> int:
    from sqlalchemy import select

    from data.store.schema import organisations

    with _engine(settings).connect() as conn:
        rows = conn.execute(select(organisations).order_by(organisations.c.slug)).all()
    if not rows:
        print("no organisations yet; add one with: incidentmap orgs add SLUG --name ... "
              "--country XX")
    for row in rows:
        print(f"{row.slug:<24} {row.country}  {row.name}"
              + ("  (named publicly)" if row.public_name_opt_in else ""))
    return 0


def _print_link(args, settings, token: str, email: str) -> None:
    url = f"{(args.base_url or settings.base_url).rstrip('/')}/account/password?token={token}"
    print(f"one-time link for {email} (valid 3 days; give it to the person only):\n  {url}")


def _users_add(args, settings) -> int:
    from data.people.accounts import AccountError, add_user, issue_password_link

    engine = _engine(settings)
    try:
        add_user(engine, args.email, args.role, args.org, args.name)
        token = issue_password_link(engine, args.email)
    except AccountError as exc:
        return _fail(exc)
    print(f"account {args.email.strip().lower()} added as {args.role}"
          + (f" of {args.org}" if args.org else ""))
    _print_link(args, settings, token, args.email.strip().lower())
    if needs_second_factor(args.role, not settings.reporter_two_factor):
        print("  this role must also set up a one-time-code app (TOTP) at first login")
    return 0


def _users_link(args, settings) -> int:
    from data.people.accounts import AccountError, issue_password_link

    try:
        token = issue_password_link(_engine(settings), args.email)
    except AccountError as exc:
        return _fail(exc)
    _print_link(args, settings, token, args.email.strip().lower())
    return 0


def _users_list(_args, settings) -> int:
    from data.people.accounts import list_users

    rows = list_users(_engine(settings))
    if not rows:
        print("no accounts yet; add one with: incidentmap users add EMAIL --role admin")
    for user, org, has_password in rows:
        state = [] if user.active else ["disabled"]
        state += [] if has_password else ["no password yet"]
        state += ["2FA on"] if user.totp_enabled else []
        print(f"{user.email:<36} {user.role:<10} {org or '-':<20} {', '.join(state)}")
    return 0


def _users_active(args, settings) -> int:
    from data.people.accounts import AccountError, set_active

    try:
        set_active(_engine(settings), args.email, args.active)
    except AccountError as exc:
        return _fail(exc)
    print(f"account {args.email.strip().lower()} {'enabled' if args.active else 'disabled'}")
    return 0


def _users_revoke_tokens(args, settings) -> int:
    from data.people.accounts import get_user, normalise_email
    from data.people.api_tokens import revoke_all

    engine = _engine(settings)
    try:
        user = get_user(engine, email=normalise_email(args.email))
    except ValueError as exc:
        return _fail(exc)
    if user is None:
        return _fail(f"no account for {args.email}")
    count = revoke_all(engine, user.id)
    print(f"{count} API token(s) of {user.email} revoked")
    return 0


def _users_reset_second_factor(args, settings) -> int:
    from data.people.accounts import AccountError
    from data.people.two_factor import reset

    try:
        reset(_engine(settings), args.email)
    except AccountError as exc:
        return _fail(exc)
    print(f"second factor of {args.email.strip().lower()} reset; its sessions have ended and "
          "it sets up a new one at its next login")
    return 0
