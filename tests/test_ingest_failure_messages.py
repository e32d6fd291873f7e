"""Run failures name the source and the fix: a vendor refusing the API key fails the Dagster
step with a message naming the env var to check (real HTTP 401 from the loopback fake API)."""

from __future__ import annotations

import dagster as dg
import pytest

from ingest import ashby, eventbrite, greenhouse, lever, pdl
from ingest.sample.apis import SampleApiSettings, start_sample_apis
from tests.greenhouse_fixtures import candidate, write_feed


def test_refused_api_key_fails_the_run_naming_the_source_and_env_var(
    isolated_env, tmp_path, monkeypatch
):
    feed = write_feed(tmp_path / "feed", [candidate(1)])
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        # A revoked client secret: the token endpoint answers 401.
        monkeypatch.setenv("GREENHOUSE_CLIENT_SECRET", "a-revoked-key")
        from orchestration.definitions import defs

        with dg.DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("greenhouse_sync").execute_in_process(
                instance=instance, raise_on_error=False
            )
    assert not result.success
    failures = [event for event in result.all_events if event.is_step_failure]
    assert failures
    for event in failures:
        error = event.step_failure_data.error
        assert "Failure" in error.cls_name
        assert "greenhouse" in error.message
        assert "GREENHOUSE_CLIENT_SECRET" in error.message
        metadata = event.step_failure_data.user_failure_data.metadata
        assert metadata["source"].value == "greenhouse"
        assert "GREENHOUSE_CLIENT_SECRET" in metadata["fix"].value
        # The secret itself never reaches the failure message.
        assert "a-revoked-key" not in error.message


def test_the_greenhouse_client_repr_never_shows_the_secret():
    client = greenhouse.make_client("client-id", "s3cret-token", base_url="https://vendor.example")
    assert "s3cret-token" not in repr(client) + repr(client.auth)
    assert client.credentials_env == greenhouse.CREDENTIAL_ENVS


@pytest.mark.parametrize("connector", [lever, ashby, eventbrite])
def test_a_client_repr_never_shows_the_secret(connector):
    client = connector.make_client(api_key="s3cret-token", base_url="https://vendor.example")
    assert "s3cret-token" not in repr(client)
    assert client.credentials_env == connector.API_KEY_ENV


def test_the_pdl_client_repr_never_shows_the_secret():
    client = pdl.make_client(api_key="s3cret-token", base_url="https://vendor.example")
    assert "s3cret-token" not in repr(client.api)
