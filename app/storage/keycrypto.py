"""The few cryptographic steps behind key slots, each a call into ``cryptography``/``argon2``.

- A passphrase (Argon2id) or the recovery key (HKDF: it is 160 random bits already) derives a
  wrapping key; AES-256-GCM wraps the slot's X25519 private key under it.
- Keys are *sealed* to a slot's public key (ephemeral X25519, HKDF-SHA256, AES-256-GCM: the
  construction of age and libsodium's sealed boxes), so a team leader can re-key the store and
  give every remaining slot the new key without knowing anyone's passphrase.
- The team-leader key is an Ed25519 signing key: it signs the roster, and its public half is
  named in the audit log (which the central store anchors), so a roster re-signed with a key of
  an insider's own making shows.

Imports are inside the functions: the unlock window lists workers from the slot file before
any of this is loaded.
"""

from __future__ import annotations

import base64
import hashlib
import os


class BadCiphertext(Exception):
    """Authentication failed: a wrong secret, or bytes that were changed."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive(kdf: str, params: dict, secret: bytes, salt: bytes) -> bytes:
    from argon2.low_level import Type, hash_secret_raw
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if kdf == "argon2id":
        return hash_secret_raw(secret, salt, hash_len=32, type=Type.ID, **params)
    if kdf == "hkdf-sha256":
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"cjit-recovery").derive(
            secret
        )
    raise ValueError(f"unknown key derivation {kdf!r}")


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated)
    except InvalidTag:
        raise BadCiphertext() from None


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes, context: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=context
    ).derive(shared)


def seal(recipient_public: bytes, payload: bytes, context: bytes) -> tuple[bytes, bytes, bytes]:
    """(ephemeral public key, nonce, ciphertext): only the recipient's private key opens it."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _box_key(shared, ephemeral_public, recipient_public, context)
    nonce, ciphertext = encrypt(key, payload, context)
    return ephemeral_public, nonce, ciphertext


def unseal(
    private: bytes, ephemeral_public: bytes, nonce: bytes, ciphertext: bytes, context: bytes
) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    me = X25519PrivateKey.from_private_bytes(private)
    shared = me.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _box_key(shared, ephemeral_public, me.public_key().public_bytes_raw(), context)
    return decrypt(key, nonce, ciphertext, context)


def signing_public(seed: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def sign(seed: bytes, message: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def signature_ok(public: bytes, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:32]
