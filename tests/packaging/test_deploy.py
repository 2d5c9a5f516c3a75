"""The production recipe of docs/deploy/: the systemd units pass ``systemd-analyze verify`` and
the nginx site passes ``nginx -t``, as installed (only the install paths and the certificate
are this machine's)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
INSTALLED = "/opt/incidentmap/.venv/bin/incidentmap"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        message = f"{name} is not installed (Debian package {package})"
        if IN_CI and name == "nginx":  # tests/run.sh installs it
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_every_service_has_its_timer_and_the_recipe_names_them():
    names = {p.name for p in UNITS}
    assert names == {"incidentmap.service", "incidentmap-retention.service",
                     "incidentmap-retention.timer", "incidentmap-backup.service",
                     "incidentmap-backup.timer"}
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in [*names, "nginx.conf"]:
        assert f"(deploy/{name})" in operations, name  # a link to it
    service = (DEPLOY / "incidentmap.service").read_text()
    for line in ("ExecStart=/opt/incidentmap/.venv/bin/incidentmap serve --production",
                 "ProtectSystem=strict", "ReadWritePaths=/var/lib/incidentmap",
                 "NoNewPrivileges=yes", "PrivateTmp=yes",
                 "EnvironmentFile=/etc/incidentmap/incidentmap.env",
                 "Environment=INCIDENTMAP_INSTANCE_DIR=/var/lib/incidentmap"):
        assert line in service.splitlines(), line
    assert "incidentmap retention run" in (DEPLOY / "incidentmap-retention.service").read_text()
    assert "incidentmap backup" in (DEPLOY / "incidentmap-backup.service").read_text()


def test_the_systemd_units_verify(tmp_path):
    analyze = _tool("systemd-analyze", "systemd")
    here = str(Path(sys.executable).parent / "incidentmap")  # an executable at ExecStart
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, here))
    done = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    # a warning (an unknown key, a missing command) is printed with exit status 0
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "map.example.org")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = _tool("nginx", "nginx")
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx.conf").read_text()
    for path in ("/etc/letsencrypt/live/map.example.org/fullchain.pem",
                 "/etc/letsencrypt/live/map.example.org/privkey.pem"):
        assert path in site
    site = site.replace("/etc/letsencrypt/live/map.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/map.example.org/privkey.pem", str(key))
    (tmp_path / "incidentmap.conf").write_text(site)
    # what /etc/nginx/nginx.conf gives a site: the http block (here with private paths)
    temp = "\n".join(f"    {kind}_temp_path {tmp_path / 'temp'};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(f"""\
pid {tmp_path / 'nginx.pid'};
error_log {tmp_path / 'error.log'};
events {{}}
http {{
    access_log {tmp_path / 'access.log'};
{temp}
    include {tmp_path / 'incidentmap.conf'};
}}
""")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr and "[warn]" not in done.stderr, done.stderr
