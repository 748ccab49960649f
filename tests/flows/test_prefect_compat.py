"""The one Prefect internal we lean on (the runner's warm start) and the deployments, declared once."""

from __future__ import annotations


def test_the_warm_start_assumption_holds_for_the_installed_prefect():
    import prefect

    from flows.prefect_compat import check

    problems = check()
    assert not problems, (
        f"Prefect {prefect.__version__}: the warm start's assumption no longer holds ({'; '.join(problems)}). "
        "The runner falls back to Prefect's default (slower resumes); revisit flows/prefect_compat.py."
    )


def test_the_suspension_observer_assumption_holds_for_the_installed_prefect():
    import prefect

    from flows.prefect_compat import check_observer

    problems = check_observer()
    assert not problems, (
        f"Prefect {prefect.__version__}: the suspension observer's assumption no longer holds "
        f"({'; '.join(problems)}). Resumes keep Prefect's observer (slower); revisit flows/prefect_compat.py."
    )


def test_the_local_runner_serves_exactly_the_deployments_of_prefect_yaml():
    from flows.serve import deployments

    declared = {d.name: d for d in deployments()}
    assert set(declared) == {"dmpg-proposal", "dmpg-reminders", "dmpg-meeting-pack"}
    assert declared["dmpg-proposal"].load_flow().name == "dmpg-proposal"
    assert declared["dmpg-reminders"].load_flow().name == "dmpg-reminders"
    assert declared["dmpg-reminders"].crons == (("0 7 * * *", "Europe/Copenhagen"),)
    assert declared["dmpg-meeting-pack"].load_flow().name == "dmpg-meeting-pack"
    assert declared["dmpg-meeting-pack"].crons == ()  # one run per meeting, scheduled by 'dmpg meeting plan'


def test_workers_run_the_installed_code_with_no_pull_step():
    """docs/it.md, Production → Why no pull step: `prefect deploy --all` needs nothing undocumented, and a worker
    imports each flow from the package installed on its host."""
    import yaml

    from flows.serve import PREFECT_YAML, deployments

    assert yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["pull"] == []
    for d in deployments():
        assert ":" not in d.entrypoint, (
            f"{d.name}: entrypoint {d.entrypoint!r} is a file path; workers have no pull step, so write it as a "
            "module path (flows.module.flow_function)")
        assert d.work_pool == "dmpg-process"
        assert d.load_flow().name


def test_the_workers_warm_start_assumption_holds_for_the_installed_prefect():
    import prefect

    from flows.prefect_compat import check_worker

    problems = check_worker()
    assert not problems, (
        f"Prefect {prefect.__version__}: the workers' warm start no longer fits ({'; '.join(problems)}). "
        "Workers start each run cold, as Prefect's process worker does (slower); revisit flows/prefect_compat.py.")


def test_prefect_finds_the_dmpg_process_worker_type_that_the_work_pool_and_unit_name():
    """`prefect work-pool create --type dmpg-process` and `prefect worker start --type dmpg-process` find
    the warm-start worker through the package's prefect.collections entry point."""
    from prefect.workers.base import BaseWorker
    from prefect.workers.process import ProcessWorker

    from flows.serve import PROJECT_ROOT

    found = BaseWorker.get_worker_class_from_type("dmpg-process")
    assert found is not None and issubclass(found, ProcessWorker)
    unit = (PROJECT_ROOT / "deploy" / "dmpg-worker@.service").read_text(encoding="utf-8")
    assert "prefect worker start --pool dmpg-process --type dmpg-process" in unit
    assert found.get_default_base_job_template() == ProcessWorker.get_default_base_job_template()
