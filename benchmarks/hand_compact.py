"""The compact record of benchmarks/bench_evaluate.py's villages, written out by hand for the
Henan rural ruleset: every criterion evaluated (no short cut), the observed values, gaps,
vetoes, unmet requirements and missing data, as `Assessment.to_json("compact")` gives them,
serialised with the same JSON writer (pydantic-core). Code written for this one ruleset,
with nothing to interpret: what any library pays at least for the same line. bench_evaluate
checks it against starrules on every village before timing it."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from starrules import Village

Truth = bool | None
STATUS = {True: "pass", False: "fail", None: "unknown"}
STAR = {True: "granted", False: "denied", None: "undetermined"}


def _all(*values: Truth) -> Truth:
    return False if False in values else (None if None in values else True)


def _any(*values: Truth) -> Truth:
    return True if True in values else (None if None in values else False)


def _at_least(values: tuple[Truth, ...], k: int) -> Truth:
    yes = values.count(True)
    return True if yes >= k else (False if yes + values.count(None) < k else None)


def _ge(x: Any, limit: float) -> Truth:
    return None if x is None else x >= limit


def _gt(x: Any, limit: float) -> Truth:
    return None if x is None else x > limit


def _clear(hit: Truth) -> Truth:  # a veto passes when it does not hold
    return None if hit is None else not hit


def _star(status: Truth, criteria: dict[str, str], **parts: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"status": STAR[status], "criteria": criteria}
    entry.update((key, value) for key, value in parts.items() if value)
    return entry


def _all_star(
    star: str, tests: tuple[tuple[str, str, Any, Any], ...]
) -> tuple[Truth, dict[str, Any], list[str]]:
    """A star that is an `all` of yes/no indicators (limit None) and `>=` thresholds:
    (its status, its entry, its missing indicators)."""
    outcomes = [x if limit is None else _ge(x, limit) for _, _, x, limit in tests]
    status = _all(*outcomes)
    criteria = {f"{star}.standards": STATUS[status]}
    gaps: dict[str, float] = {}
    missing: list[str] = []
    for (cid, name, x, limit), outcome in zip(tests, outcomes, strict=True):
        criteria[cid] = STATUS[outcome]
        if outcome is False and limit is not None:  # a count's gap in whole steps
            gaps[cid] = float(limit - x) if isinstance(x, int) else round(limit - x, 9)
        if outcome is None and status is None:
            missing.append(f"{star}.{name}")
    return status, _star(status, criteria, gaps=gaps, missing=missing), missing


def hand_compact_line(v: Village, ruleset_key: dict[str, str]) -> bytes:
    return to_json(hand_compact_record(v, ruleset_key))


def hand_compact_record(v: Village, ruleset_key: dict[str, str]) -> dict[str, Any]:
    """The compact record as data, before it is written as JSON: the decisions and the
    record's parts alone, what no JSON writer, however fast, saves."""
    # read as plain values: what each comparison below needs is checked by hand (None first)
    ind: Any = v.industry
    eco: Any = v.ecology
    saf: Any = v.safety
    civ: Any = v.civility
    br: Any = v.branch
    observed = {
        "industry": {
            "collective_income": ind.collective_income,
            "branch_led_cooperative": ind.branch_led_cooperative,
            "one_village_one_product": ind.one_village_one_product,
            "dual_binding": ind.dual_binding,
            "local_jobs": ind.local_jobs,
            "skills_trainees": ind.skills_trainees,
        },
        "ecology": {
            "sanitary_toilet_rate": eco.sanitary_toilet_rate,
            "sewage_treatment_rate": eco.sewage_treatment_rate,
            "garbage_system": eco.garbage_system,
            "cleaning_days_per_month": eco.cleaning_days_per_month,
            "greening_rate": eco.greening_rate,
        },
        "safety": {
            "disputes_total": saf.disputes_total,
            "disputes_resolved": saf.disputes_resolved,
            "grid_management": saf.grid_management,
            "video_coverage": saf.video_coverage,
            "key_population_managed": saf.key_population_managed,
            "escalated_petitions": saf.escalated_petitions,
            "accidents_with_casualties": saf.accidents_with_casualties,
            "criminal_cases": saf.criminal_cases,
        },
        "civility": {
            "practice_station": civ.practice_station,
            "village_rules": civ.village_rules,
            "councils": civ.councils,
            "star_households": civ.star_households,
            "activities": civ.activities,
        },
        "branch": {
            "secretary_strong": br.secretary_strong,
            "reserve_cadres": br.reserve_cadres,
            "three_meetings_one_lesson": br.three_meetings_one_lesson,
            "member_review_done": br.member_review_done,
            "service_center_standard": br.service_center_standard,
            "weak_and_lax": br.weak_and_lax,
        },
    }

    # 产业兴旺星
    income = _ge(ind.collective_income, 100_000)
    engines_in = (ind.branch_led_cooperative, ind.one_village_one_product, ind.dual_binding)
    engines = _at_least(engines_in, 2)
    jobs, training = _ge(ind.local_jobs, 20), _ge(ind.skills_trainees, 50)
    jobs_or_training = _any(jobs, training)
    industry = _all(income, engines, jobs_or_training)
    gaps = {}
    if income is False:
        gaps["industry.collective-income"] = float(100_000 - ind.collective_income)
    if jobs is False:
        gaps["industry.local-jobs"] = float(20 - ind.local_jobs)
    if training is False:
        gaps["industry.skills-training"] = float(50 - ind.skills_trainees)
    missing_industry: list[str] = []
    if industry is None:
        if income is None:
            missing_industry.append("industry.collective_income")
        if engines is None:
            engine_names = ("branch_led_cooperative", "one_village_one_product", "dual_binding")
            missing_industry += [
                f"industry.{n}" for n, x in zip(engine_names, engines_in, strict=True) if x is None
            ]
        if jobs_or_training is None:
            if jobs is None:
                missing_industry.append("industry.local_jobs")
            if training is None:
                missing_industry.append("industry.skills_trainees")
    stars = {
        "industry": _star(
            industry,
            {
                "industry.standards": STATUS[industry],
                "industry.collective-income": STATUS[income],
                "industry.engines": STATUS[engines],
                "industry.branch-led-cooperative": STATUS[engines_in[0]],
                "industry.one-village-one-product": STATUS[engines_in[1]],
                "industry.dual-binding": STATUS[engines_in[2]],
                "industry.jobs-or-training": STATUS[jobs_or_training],
                "industry.local-jobs": STATUS[jobs],
                "industry.skills-training": STATUS[training],
            },
            gaps=gaps,
            missing=missing_industry,
        )
    }

    # 生态宜居星
    tests: tuple[tuple[str, str, Any, Any], ...] = (
        ("ecology.sanitary-toilets", "sanitary_toilet_rate", eco.sanitary_toilet_rate, 0.85),
        ("ecology.sewage", "sewage_treatment_rate", eco.sewage_treatment_rate, 0.5),
        ("ecology.garbage-system", "garbage_system", eco.garbage_system, None),
        ("ecology.cleaning-days", "cleaning_days_per_month", eco.cleaning_days_per_month, 4),
        ("ecology.greening", "greening_rate", eco.greening_rate, 0.3),
    )
    ecology, stars["ecology"], missing_ecology = _all_star("ecology", tests)

    # 平安法治星
    total, resolved = saf.disputes_total, saf.disputes_resolved
    ratio = None if total is None or resolved is None or total == 0 else resolved / total
    disputes = _any(None if total is None else total == 0, None if ratio is None else ratio >= 0.95)
    checks = (saf.grid_management, saf.video_coverage, saf.key_population_managed)
    grant = _all(disputes, *checks)
    veto_tests = (
        ("safety.escalated-petition", "escalated_petitions", saf.escalated_petitions),
        ("safety.casualty-accident", "accidents_with_casualties", saf.accidents_with_casualties),
        ("safety.criminal-case", "criminal_cases", saf.criminal_cases),
    )
    hits = [_gt(x, 0) for _, _, x in veto_tests]
    vetoes = [cid for (cid, _, _), hit in zip(veto_tests, hits, strict=True) if hit is True]
    safety: Truth
    if grant is False or vetoes:
        safety = False
    else:
        safety = True if grant is True and None not in hits else None
    gaps = {}
    if disputes is False and ratio is not None:
        gaps["safety.disputes-resolved"] = round(0.95 - ratio, 9)
    for (cid, _, x), hit in zip(veto_tests, hits, strict=True):
        if hit is True:
            gaps[cid] = float(x)
    missing_safety: list[str] = []
    if safety is None:
        if grant is None:
            if disputes is None:
                missing_safety += [
                    f"safety.{n}"
                    for n, x in (("disputes_total", total), ("disputes_resolved", resolved))
                    if x is None
                ]
            flags = ("grid_management", "video_coverage", "key_population_managed")
            unknown = [n for n, x in zip(flags, checks, strict=True) if x is None]
            missing_safety += [f"safety.{n}" for n in unknown]
        missing_safety += [f"safety.{n}" for (_, n, x) in veto_tests if x is None]
    stars["safety"] = _star(
        safety,
        {
            "safety.standards": STATUS[grant],
            "safety.disputes-resolved": STATUS[disputes],
            "safety.grid-management": STATUS[checks[0]],
            "safety.video-coverage": STATUS[checks[1]],
            "safety.key-populations": STATUS[checks[2]],
            **{cid: STATUS[_clear(hit)] for (cid, _, _), hit in zip(veto_tests, hits, strict=True)},
        },
        gaps=gaps,
        vetoes=vetoes,
        missing=missing_safety,
    )

    # 文明幸福星
    tests = (
        ("civility.practice-station", "practice_station", civ.practice_station, None),
        ("civility.village-rules", "village_rules", civ.village_rules, None),
        ("civility.councils", "councils", civ.councils, 4),
        ("civility.star-households", "star_households", civ.star_households, 10),
        ("civility.activities", "activities", civ.activities, 12),
    )
    civility, stars["civility"], missing_civility = _all_star("civility", tests)

    # 支部过硬星: its own standard, the weak-and-lax veto, and the other four stars
    cadres = _ge(br.reserve_cadres, 3)
    own = (
        br.secretary_strong,
        cadres,
        br.three_meetings_one_lesson,
        br.member_review_done,
        br.service_center_standard,
    )
    grant = _all(*own)
    weak = br.weak_and_lax
    required = {"industry": industry, "ecology": ecology, "safety": safety, "civility": civility}
    branch: Truth
    if grant is False or weak is True or False in required.values():
        branch = False
    elif grant is True and weak is False and None not in required.values():
        branch = True
    else:
        branch = None
    unmet = [star for star, status in required.items() if status is not True]
    missing_branch: list[str] = []
    if branch is None:
        if grant is None:
            names = (
                "secretary_strong",
                "reserve_cadres",
                "three_meetings_one_lesson",
                "member_review_done",
                "service_center_standard",
            )
            values = (
                br.secretary_strong,
                br.reserve_cadres,
                br.three_meetings_one_lesson,
                br.member_review_done,
                br.service_center_standard,
            )
            unknown = [n for n, x in zip(names, values, strict=True) if x is None]
            missing_branch += [f"branch.{n}" for n in unknown]
        if weak is None:
            missing_branch.append("branch.weak_and_lax")
        for star in unmet:
            missing_branch += stars[star].get("missing", [])
        missing_branch = list(dict.fromkeys(missing_branch))
    stars["branch"] = _star(
        branch,
        {
            "branch.standards": STATUS[grant],
            "branch.secretary-strong": STATUS[own[0]],
            "branch.reserve-cadres": STATUS[cadres],
            "branch.three-meetings-one-lesson": STATUS[own[2]],
            "branch.member-review": STATUS[own[3]],
            "branch.service-center": STATUS[own[4]],
            "branch.weak-and-lax": STATUS[_clear(weak)],
        },
        gaps={"branch.reserve-cadres": float(3 - br.reserve_cadres)} if cadres is False else {},
        vetoes=["branch.weak-and-lax"] if weak is True else [],
        requires_unmet=unmet,
        missing=missing_branch,
    )
    statuses = (industry, ecology, safety, civility, branch)
    low = statuses.count(True)
    high = low + statuses.count(None)
    everything = missing_industry + missing_ecology + missing_safety + missing_civility
    record = {
        "format": "compact/1",
        "village": {
            "code": v.code,
            "name": v.name,
            "jurisdiction": v.jurisdiction,
            "kind": v.kind,
            "township": v.township,
        },
        "as_of": v.as_of.isoformat() if v.as_of else None,
        "ruleset": ruleset_key,
        "level": {"value": low if low == high else None, "min": low, "max": high},
        "stars": stars,
        "observed": observed,
        "missing": list(dict.fromkeys(everything + missing_branch)),
    }
    return record
