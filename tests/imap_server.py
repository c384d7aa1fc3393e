"""A throw-away Dovecot IMAP server for the test session, started from the machine's own binaries.

It listens on 127.0.0.1 on a free port, without TLS (loopback only), with one user from a passwd-file and
a maildir under a temporary folder. As root, Dovecot runs its own processes and the mail as unprivileged
accounts (Dovecot refuses mail access as root); as anyone else, everything runs as that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

ENABLE_HINT = (
    "IMAP tests skipped: no Dovecot found. "
    "Install it (Debian: apt-get install dovecot-imapd) or put `dovecot` on PATH to run them."
)
USER = "calendar@nmg.test"
PASSWORD = "imap-test-password"


def find_dovecot() -> str | None:
    for candidate in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _account(preferred: str, fallback: str = "nobody") -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(preferred)
    except KeyError:
        return pwd.getpwnam(fallback)


class DovecotServer:
    def __init__(self, binary: str, base: Path) -> None:
        self.binary = binary
        self.base = base
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:
            self.login_user = _account("dovenull").pw_name
            self.internal_user = _account("dovecot").pw_name
            mail = _account("nobody")
        else:
            me = pwd.getpwuid(os.geteuid())
            self.login_user = self.internal_user = me.pw_name
            mail = me
        self.mail_uid, self.mail_gid = mail.pw_uid, mail.pw_gid

    @property
    def log(self) -> Path:
        return self.base / "dovecot.log"

    def _write_config(self) -> Path:
        run = self.base / "run"
        home = self.base / "home"
        for folder in (run, home):
            folder.mkdir(parents=True, exist_ok=True)
        os.chown(home, self.mail_uid, self.mail_gid)
        users = self.base / "users"
        users.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{self.mail_uid}:{self.mail_gid}::{home}/%u::\n")
        config = self.base / "dovecot.conf"
        config.write_text(
            f"""\
base_dir = {run}
state_dir = {run}/state
instance_name = nmg-test-{self.port}
log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {self.login_user}
default_internal_user = {self.internal_user}
default_internal_group = {grp.getgrgid(_account(self.internal_user).pw_gid).gr_name}
first_valid_uid = 1
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""
        )
        return config

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        # Dovecot's own accounts read the user list and the mail under this folder.
        self.base.chmod(0o755)
        config = self._write_config()
        with (self.base / "stderr.log").open("wb") as errors:
            self.process = subprocess.Popen(
                [self.binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=errors
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        details = (self.base / "stderr.log").read_text(errors="replace")
        if self.log.is_file():
            details += self.log.read_text(errors="replace")
        raise RuntimeError(f"Dovecot did not start:\n{details}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        client.login(USER, PASSWORD)
        return client

    # --- what the tests do to the mailbox, as a mail client would --------------------------------------

    def append(self, content: bytes, folder: str = "INBOX") -> None:
        client = self.connect()
        try:
            status, data = client.append(folder, None, None, content)
            assert status == "OK", data
        finally:
            client.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[bytes, bytes]]:
        """(flags, message) of every message in the folder, oldest first; none if the folder is missing."""
        client = self.connect()
        try:
            status, _data = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            found = []
            _status, [uids] = client.uid("SEARCH", None, "ALL")
            for uid in uids.split():
                _status, data = client.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                found.append((data[0][0], data[0][1]))
            return found
        finally:
            client.logout()

    def empty(self) -> None:
        """Delete every folder but the inbox, and every message in it."""
        client = self.connect()
        try:
            _status, folders = client.list()
            for line in folders:
                name = line.decode().rsplit(' "/" ', 1)[-1].strip('"')
                if name != "INBOX":
                    client.delete(f'"{name}"')
            _status, [count] = client.select("INBOX")
            if int(count):
                client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                client.expunge()
        finally:
            client.logout()
