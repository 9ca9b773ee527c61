"""The shim for moto's gaps (§22): each stand-in fills a gap moto really has, every type the template
creates is moto's or a stand-in's, and a type neither knows is a finding, never a pass."""

from __future__ import annotations

import pytest
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

from tests.deploy import moto_gaps
from tests.deploy.checks import findings, missing_resources
from tests.deploy.emulated import EVERY_BRANCH_ON, deploy, template_copy


def _moto_types() -> set[str]:
    return {
        model.cloudformation_type()
        for model in CloudFormationModel.__subclasses__()
        if model.__module__.startswith("moto.")
    }


@pytest.mark.parametrize("resource_type", sorted(moto_gaps.stand_in_types()))
def test_each_stand_in_fills_a_type_moto_lacks(resource_type: str) -> None:
    # Given a resource type the shim stands in for
    # Then moto has no model of its own for it (once it has, the stand-in goes), and the gap is listed
    assert resource_type not in _moto_types()
    assert any(gap.what == resource_type for gap in moto_gaps.GAPS)


def test_every_type_the_template_creates_is_motos_or_a_stand_ins(account: None) -> None:
    # Given the template with every branch on, transformed as CloudFormation transforms it
    deployment = deploy("deployment-events", EVERY_BRANCH_ON)
    # When its resource types are read
    created_types = {resource["Type"] for resource in deployment.transformed["Resources"].values()}
    # Then moto or the shim creates each one
    moto_gaps.apply()
    assert created_types <= set(parsing.get_model_map())
    assert missing_resources(deployment) == []


@pytest.mark.filterwarnings("ignore:Tried to parse AWS..Evidently..Project")
def test_a_type_neither_knows_is_a_finding_not_a_pass(account: None) -> None:
    # Given a resource of a type neither moto nor the shim creates
    template = template_copy()
    template["Resources"]["Dashboard"] = {"Type": "AWS::Evidently::Project", "Properties": {"Name": "deploys"}}
    assert "AWS::Evidently::Project" not in parsing.get_model_map()
    # When the stack is deployed: moto skips it and still says CREATE_COMPLETE
    with pytest.warns(UserWarning, match="not supported by moto"):
        deployment = deploy("deployment-events", {}, template)
    assert deployment.status == "CREATE_COMPLETE"
    # Then the checks report it as not created
    assert findings(deployment) == ["Dashboard (AWS::Evidently::Project) was not created"]
