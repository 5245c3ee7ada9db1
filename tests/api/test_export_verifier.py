"""The standalone verifier (docs/verify_export.py), run as a counsellor's IT would run
it: a Python that can import only the standard library and `cryptography`, on fresh
exports of the real exporter (both backends) and on every kind of tampering."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cryptography
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.export.chain import fingerprint, public_key_text
from tests.api.conftest import Api
from tests.api.export_files import (
    as_version_1,
    counsellor_export,
    erased_export,
    full_history,
    partner_export,
    rechained,
    signing_key,
)
from tests.helpers import ManualClock

VERIFIER = Path(__file__).parents[2] / "docs" / "verify_export.py"
Document = dict[str, Any]


@pytest.fixture(scope="session")
def only_cryptography(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that holds `cryptography` (and the cffi backend it loads), nothing else."""
    folder = tmp_path_factory.mktemp("only-cryptography")
    package = Path(cryptography.__file__).parent
    for source in [package, *package.parent.glob("_cffi_backend*")]:
        (folder / source.name).symlink_to(source)
    return folder


def verifier(folder: Path, tmp_path: Path, content: Document | str, key: str
             ) -> subprocess.CompletedProcess[str]:
    """`python verify_export.py FILE --key KEY` with `-I -S`: no site-packages, no
    environment, no project on the path; only the folder above is added."""
    file = tmp_path / "export.json"
    file.write_text(content if isinstance(content, str) else json.dumps(content),
                    encoding="utf-8")
    program = ("import runpy, sys; sys.path.insert(0, sys.argv[1]); sys.argv = sys.argv[2:]; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")
    return subprocess.run([sys.executable, "-I", "-S", "-c", program, str(folder),
                           str(VERIFIER), str(file), "--key", key],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": os.environ.get("PATH", "")}, cwd=tmp_path)


def key_of(api: Api) -> str:
    return public_key_text(signing_key(api))


def test_the_verifier_passes_every_kind_of_fresh_export_and_a_version_1_file(
    api: Api, clock: ManualClock, only_cryptography: Path, tmp_path: Path,
) -> None:
    alex, sam, ledger = full_history(api)
    key = key_of(api)
    files = {
        "partner, with private": partner_export(alex, ledger, "include_private=true"),
        "partner": partner_export(sam, ledger),
        "raw events only": partner_export(alex, ledger, "sections=raw_events"),
        "timeline only, a period": partner_export(sam, ledger, "sections=timeline&from="
                                                  "2026-01-01&to=2026-12-31"),
        "counsellor": counsellor_export(api, clock, alex, sam, ledger),
    }
    files["version 1"] = as_version_1(files["partner, with private"], signing_key(api))
    files["erased partner"] = erased_export(api, alex, sam, ledger)
    assert files["erased partner"]["partners"][0]["display_name"] is None
    assert "alex private" in json.dumps(files["partner, with private"])
    assert any(e["type"] == "EntryAmended" for e in files["counsellor"]["events"])
    for name, document in files.items():
        result = verifier(only_cryptography, tmp_path, document, key)
        expected = (f"verified: {len(document['events'])} events, chain intact, "
                    f"signed by {fingerprint(key)}\n")
        assert (result.returncode, result.stdout) == (0, expected), (name, result.stderr)


def test_the_verifier_takes_the_key_as_base64_a_fingerprint_or_a_file_of_either(
    api: Api, only_cryptography: Path, tmp_path: Path,
) -> None:
    alex, _, ledger = api.couple()
    document = partner_export(alex, ledger)
    key = key_of(api)
    key_file = tmp_path / "instance-key.txt"
    key_file.write_text(f"public key: {key}\nfingerprint: {fingerprint(key)}\n")
    print_file = tmp_path / "fingerprint.txt"
    print_file.write_text(fingerprint(key).upper() + "\n")
    for given in (key, fingerprint(key), str(key_file), str(print_file)):
        assert verifier(only_cryptography, tmp_path, document, given).returncode == 0, given
    other = public_key_text(Ed25519PrivateKey.generate())
    for given in (other, fingerprint(other), ""):
        refused = verifier(only_cryptography, tmp_path, document, given)
        assert refused.returncode == 1
        assert f"signed by another key ({fingerprint(key)})" in refused.stderr


def edit_data(document: Document) -> None:
    document["events"][4]["data"]["note"] = "something else"


def remove(document: Document) -> None:
    del document["events"][4]


def swap(document: Document) -> None:
    events = document["events"]
    events[4], events[5] = events[5], events[4]


def append_with_its_link(document: Document) -> None:
    """An event added at the end whose hash is computed right: only the signed head
    can tell."""
    from projections.export.chain import link

    last = document["events"][-1]
    added = {k: v for k, v in copy.deepcopy(last).items() if k != "hash"}
    added["position"] += 1
    added["hash"] = link(last["hash"], added)
    document["events"].append(added)


def set_field(path: str, value: Any) -> Callable[[Document], None]:
    def change(document: Document) -> None:
        *parents, name = path.split(".")
        target = document
        for parent in parents:
            target = target[parent]
        target[name] = value
    return change


def replace_signature(document: Document) -> None:
    document["signature"]["value"] = base64.b64encode(bytes(64)).decode()


def edit_timeline(document: Document) -> None:
    document["timeline"][0]["support_type"] = "esteem"


FIRST_BROKEN_EVENT = "event #5 (log position {}) was changed, inserted or moved"
TAMPERING: dict[str, tuple[Callable[[Document], None], str]] = {
    "data edited": (edit_data, FIRST_BROKEN_EVENT),
    "event removed": (remove, FIRST_BROKEN_EVENT),
    "events swapped": (swap, FIRST_BROKEN_EVENT),
    "event appended": (append_with_its_link, "the chain ends differently than signed"),
    "ledger id changed": (set_field("ledger.id", "7e57e57e-0000-4000-8000-000000000000"),
                          "event #1 (log position"),
    "period changed": (set_field("scope.from", "2026-01-01T00:00:00+00:00"),
                       "the signature does not match the file"),
    "summary changed": (set_field("summary.mutuality", 0.25),
                        "the signature does not match the file"),
    "format made version 1": (set_field("format", "ebbflow.export/1"),
                              "fields that no ebbflow.export/1 file has: covers"),
    "format unknown": (set_field("format", "ebbflow.export/3"),
                       "not an ebbflow.export/2 or ebbflow.export/1 file"),
    "field added": (set_field("comment", "trust me"),
                    "fields that no ebbflow.export/2 file has: comment"),
    "timeline edited": (edit_timeline, "the timeline section was changed"),
    "timeline removed": (lambda document: document.pop("timeline"),
                         "the timeline section was added or removed"),
    "signature replaced": (replace_signature, "the signature does not match the file"),
    "algorithm changed": (set_field("signature.algorithm", "rsa"), "not signed with Ed25519"),
}


def test_the_verifier_names_the_first_problem_of_every_kind_of_tampering(
    api: Api, only_cryptography: Path, tmp_path: Path,
) -> None:
    alex, _, ledger = full_history(api)
    key = key_of(api)
    document = partner_export(alex, ledger, "include_private=true")
    for how, (tamper, message) in TAMPERING.items():
        changed = copy.deepcopy(document)
        tamper(changed)
        result = verifier(only_cryptography, tmp_path, changed, key)
        position = changed["events"][4]["position"]
        assert result.returncode == 1, how
        assert result.stderr.startswith("not verified: "), (how, result.stderr)
        assert message.format(position) in result.stderr, (how, result.stderr)
        assert result.stdout == "", how


def test_the_verifier_refuses_a_file_re_signed_with_a_key_of_its_own_and_a_broken_file(
    api: Api, only_cryptography: Path, tmp_path: Path,
) -> None:
    alex, _, ledger = api.couple()
    key = key_of(api)
    document = partner_export(alex, ledger)
    forger = Ed25519PrivateKey.generate()
    forged = rechained(set_and_return(document, "ledger.name", "Them"), forger)
    own = verifier(only_cryptography, tmp_path, forged, public_key_text(forger))
    assert own.returncode == 0  # consistent with the key it carries…
    refused = verifier(only_cryptography, tmp_path, forged, key)
    assert refused.returncode == 1  # …but not signed by this instance
    assert f"signed by another key ({fingerprint(public_key_text(forger))})" in refused.stderr
    text = json.dumps(document)
    for broken in (text[: len(text) // 2], "{not json", ""):
        result = verifier(only_cryptography, tmp_path, broken, key)
        assert result.returncode == 1
        assert result.stderr.startswith("not verified: cannot read"), result.stderr
    shapeless = verifier(only_cryptography, tmp_path, {**document, "events": [1]}, key)
    assert shapeless.returncode == 1
    assert "Traceback" not in shapeless.stderr


def set_and_return(document: Document, path: str, value: Any) -> Document:
    changed = copy.deepcopy(document)
    set_field(path, value)(changed)
    return changed
