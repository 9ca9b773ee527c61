"""What a package URL (``pkg:oci/shop@sha256%3A…``, ``pkg:github/acme/shop@3f2a9c1``) says of a
change: the version, the commit or the image digest a CDEvent's ``artifactId`` names (§20).

Read with packageurl-python, the purl specification's own library; an artifact id that is not a
package URL names nothing, and the delivery stays valid."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packageurl import PackageURL

CODE_HOSTS = frozenset({"github", "gitlab", "bitbucket"})
"""Package types whose namespace and name are a repository, and whose version may be a commit."""
_DIGEST = re.compile(r"^sha(?:256|384|512):[0-9a-f]{32,128}$")
_SHORT_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")
_FULL_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class Artifact:
    """The facts of one artifact; what its package URL does not say is None."""

    name: str | None = None
    version: str | None = None
    """The release: the version, else an image's tag, else its digest (a digest is a version too)."""
    commit_sha: str | None = None
    image_digest: str | None = None
    repository: str | None = None

    @property
    def label(self) -> str | None:
        """``shop@v1.4.0``, ``shop@sha256:0b31b1c02ff4``, for a summary."""
        at = self.version or self.commit_sha
        if at and at == self.image_digest:
            at = at[: at.index(":") + 13]
        elif at and at == self.commit_sha:
            at = at[:7]
        return f"{self.name}@{at}" if self.name and at else self.name


def artifact_of(artifact_id: str | None) -> Artifact:
    purl = _package_url(artifact_id)
    if purl is None:
        return Artifact()
    repository = f"{purl.namespace}/{purl.name}" if purl.type in CODE_HOSTS and purl.namespace else None
    version = purl.version or None
    if version and _DIGEST.match(version):
        return Artifact(purl.name, _tag(purl) or version, image_digest=version, repository=repository)
    if version and _is_commit(purl.type, version):
        return Artifact(purl.name, commit_sha=version, repository=repository)
    return Artifact(purl.name, version, repository=repository)


def _package_url(artifact_id: str | None) -> PackageURL | None:
    if not artifact_id:
        return None
    try:
        return PackageURL.from_string(artifact_id)
    except ValueError:
        return None


def _tag(purl: PackageURL) -> str | None:
    """An OCI image's ``tag`` qualifier: the version people know it by."""
    qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
    tag = qualifiers.get("tag")
    return tag if isinstance(tag, str) and tag else None


def _is_commit(package_type: str, version: str) -> bool:
    """A code host's version in hex is a commit; elsewhere only a full SHA is taken for one, since
    ``1234567`` is as likely a build number."""
    return bool(_SHORT_COMMIT.match(version) if package_type in CODE_HOSTS else _FULL_COMMIT.match(version))
