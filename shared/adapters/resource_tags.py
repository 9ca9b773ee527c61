"""The data-access layer for AWS resource tags (§20): a deployment's teams and environment are
the ``team`` and ``environment`` tags of the ECS service, CodeDeploy application, pipeline or
AppConfig application it deploys.

Each service's own ``ListTagsForResource`` is used, not ``tag:GetResources``, so the function's
permission names those four actions on this account's resources and nothing wider.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from shared.adapters.store.client import RETRIES

if TYPE_CHECKING:
    from botocore.client import BaseClient


class TagLookupFailed(Exception):
    """The tags could not be read (no permission, no such resource, throttled): named by its type only."""


@cache
def _client(service: str) -> BaseClient:
    return boto3.client(service, config=RETRIES)


def reset_clients() -> None:
    _client.cache_clear()


def _pairs(tags: list[dict[str, Any]], key: str, value: str) -> dict[str, str]:
    return {str(tag[key]): str(tag.get(value, "")) for tag in tags if key in tag}


def _ecs(arn: str) -> dict[str, str]:
    return _pairs(_client("ecs").list_tags_for_resource(resourceArn=arn).get("tags", []), "key", "value")


def _codedeploy(arn: str) -> dict[str, str]:
    tags = _client("codedeploy").list_tags_for_resource(ResourceArn=arn).get("Tags", [])
    return _pairs(tags, "Key", "Value")


def _codepipeline(arn: str) -> dict[str, str]:
    tags = _client("codepipeline").list_tags_for_resource(resourceArn=arn).get("tags", [])
    return _pairs(tags, "key", "value")


def _appconfig(arn: str) -> dict[str, str]:
    tags = _client("appconfig").list_tags_for_resource(ResourceArn=arn).get("Tags", {})
    return {str(name): str(value) for name, value in tags.items()}


_READERS = {"ecs": _ecs, "codedeploy": _codedeploy, "codepipeline": _codepipeline, "appconfig": _appconfig}


def tags_of(arn: str) -> dict[str, str]:
    """The resource's tags, by the service its ARN names; ``TagLookupFailed`` when they cannot be read."""
    parts = arn.split(":")
    reader = _READERS.get(parts[2]) if len(parts) > 5 else None
    if reader is None:
        raise TagLookupFailed(f"no tag reader for {parts[2] if len(parts) > 2 else 'this ARN'}")
    try:
        return reader(arn)
    except (ClientError, BotoCoreError, KeyError, TypeError, AttributeError) as error:
        raise TagLookupFailed(type(error).__name__) from None
