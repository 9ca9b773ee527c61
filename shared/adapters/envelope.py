"""Envelope encryption of secrets at rest (§22) with the stack's own KMS key, through the AWS
Encryption SDK: the one module that touches KMS.

Each secret is sealed under a data key that KMS generates and wraps; the encryption context names
the record kind, its id and the field, and opening checks it, so a ciphertext copied elsewhere
does not open. A caching materials manager keeps data keys for a few minutes per container, so
intake opens a webhook secret without a KMS call per request. The algorithm suite signs nothing
(the key policy already says who may encrypt), which keeps each ciphertext to a few hundred bytes.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from shared.domain.errors import Busy
from shared.domain.models.sealed import Sealed, SecretPlace, StoredSecret
from shared.settings import secrets_settings

DATA_KEY_MAX_AGE_SECONDS = 300.0
"""How long a data key is reused from the cache: a container calls KMS once per secret and five minutes."""
CACHE_CAPACITY = 1000
MESSAGES_PER_DATA_KEY = 1000


class SecretMisplaced(Exception):
    """A ciphertext that is not the one sealed for this place (copied from another record or field)."""


@cache
def _encryption() -> tuple[Any, Any]:
    """The SDK's client and its caching materials manager, once per container (imported on first
    use: functions that open no secret skip the SDK at cold start)."""
    import aws_encryption_sdk  # noqa: PLC0415
    from aws_encryption_sdk.caches.local import LocalCryptoMaterialsCache  # noqa: PLC0415
    from aws_encryption_sdk.materials_managers.caching import CachingCryptoMaterialsManager  # noqa: PLC0415

    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=aws_encryption_sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
        max_encrypted_data_keys=1,
    )
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[secrets_settings().secrets_key_arn])
    materials = CachingCryptoMaterialsManager(
        master_key_provider=provider,
        cache=LocalCryptoMaterialsCache(CACHE_CAPACITY),
        max_age=DATA_KEY_MAX_AGE_SECONDS,
        max_messages_encrypted=MESSAGES_PER_DATA_KEY,
    )
    return client, materials


def reset_client() -> None:
    """Tests and the local runner start a new emulated AWS, with a key of its own."""
    _encryption.cache_clear()


def seal(plaintext: str, place: SecretPlace) -> Sealed:
    """The secret encrypted for ``place``; 503 (``Busy``) when KMS cannot be reached."""
    from aws_encryption_sdk import Algorithm  # noqa: PLC0415
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError  # noqa: PLC0415

    client, materials = _encryption()
    try:
        ciphertext, _ = client.encrypt(
            source=plaintext.encode(),
            materials_manager=materials,
            encryption_context=place.context(),
            algorithm=Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
        )
    except AWSEncryptionSDKClientError as error:
        raise Busy(f"the key service could not seal {place.field}; nothing was stored, retry") from error
    return Sealed(sealed=base64.b64encode(ciphertext).decode())


def open_secret(stored: StoredSecret, place: SecretPlace) -> str:
    """The plain secret, where it is used (verifying a delivery, sending a notification); a secret
    stored before sealing is used as it is."""
    if isinstance(stored, str):
        return stored
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError  # noqa: PLC0415

    client, materials = _encryption()
    try:
        plaintext, header = client.decrypt(source=base64.b64decode(stored.sealed), materials_manager=materials)
    except AWSEncryptionSDKClientError as error:
        raise Busy(f"the key service could not open {place.field}; retry") from error
    if any(header.encryption_context.get(name) != value for name, value in place.context().items()):
        raise SecretMisplaced(f"the stored {place.field} of this {place.kind} was sealed for another place")
    return str(plaintext.decode())
