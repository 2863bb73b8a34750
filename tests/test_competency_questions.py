"""A policy analyst asking the competency questions: the answers are what the source text says."""

from __future__ import annotations

import pytest

from strategykg.errors import InputError
from strategykg.queries import QueryLibrary
from tests.conftest import PROJECT_ROOT

ID = "https://w3id.org/strategykg/id/"
LIBRARY = QueryLibrary(PROJECT_ROOT / "queries")


def ask(engine, name, **params):
    return engine.query(LIBRARY.get(name).bind(params))


def local_names(result, variable, prefix):
    return {str(term).removeprefix(ID + prefix) for term in result.column(variable)}


def test_the_library_holds_the_questions_named_in_the_brief():
    required = {
        "results-supporting-rule-of-law",
        "results-by-place",
        "objectives-by-place",
        "actors-and-roles",
        "quantified-results",
        "objectives-without-results",
        "international-partners",
        "theme-coverage",
        "result-provenance",
        "sdg-alignment",
    }
    assert required <= set(LIBRARY.names())
    assert len(LIBRARY) >= 12
    for question in LIBRARY:
        assert question.title and question.description, question.name


def test_results_supporting_rule_of_law_are_the_two_justice_results(oxigraph_engine):
    # "Helped reinforce justice in Guatemala" and "Strengthened the national justice systems":
    # justice is narrower than rule of law, so both count.
    result = ask(oxigraph_engine, "results-supporting-rule-of-law")
    assert local_names(result, "result", "result/") == {
        "justice-in-guatemala",
        "national-justice-systems",
    }
    labels = {str(label) for label in result.column("label")}
    assert "Helped reinforce justice in Guatemala" in labels


def test_results_on_policing_are_the_haitian_police_and_the_police_training(oxigraph_engine):
    result = ask(oxigraph_engine, "results-supporting-rule-of-law", theme="policing")
    assert local_names(result, "result", "result/") == {
        "haitian-national-police-capacity",
        "national-justice-systems",
    }


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("guatemala", {"justice-in-guatemala", "national-justice-systems"}),
        ("mexico", {"national-justice-systems"}),
        ("haiti", {"haitian-national-police-capacity"}),
        ("caribbean", {"haitian-national-police-capacity"}),
        (
            "americas",
            {
                "haitian-national-police-capacity",
                "military-training-cooperation",
                "justice-in-guatemala",
                "oas-electoral-observation",
                "national-justice-systems",
            },
        ),
    ],
)
def test_results_in_a_place_include_places_within_it(oxigraph_engine, place, expected):
    result = ask(oxigraph_engine, "results-by-place", place=place)
    assert local_names(result, "result", "result/") == expected


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("caribbean", {"improve-security", "haiti-rule-of-law-and-development"}),
        ("haiti", {"haiti-rule-of-law-and-development"}),
        ("central-america", {"improve-security"}),
        # The text keeps Mexico apart from Central America.
        ("mexico", {"improve-security"}),
    ],
)
def test_objectives_for_a_place(oxigraph_engine, place, expected):
    result = ask(oxigraph_engine, "objectives-by-place", place=place)
    assert local_names(result, "objective", "objective/") == expected


def test_canada_minustah_and_the_haitian_police_play_three_different_roles(oxigraph_engine):
    result = ask(oxigraph_engine, "actors-and-roles")
    roles = {
        (str(r["actor"]).removeprefix(ID + "actor/"), str(r["roleLabel"]))
        for r in result.records()
        if str(r["statement"]).endswith("haitian-national-police-capacity")
    }
    assert ("government-of-canada", "supported by") in roles
    assert ("minustah", "delivered by") in roles
    assert ("haitian-national-police", "beneficiary") in roles


def test_every_actor_named_in_the_results_has_its_role(oxigraph_engine):
    result = ask(oxigraph_engine, "actors-and-roles")
    triples = {
        (
            str(r["actor"]).removeprefix(ID + "actor/"),
            str(r["roleLabel"]),
            str(r["statement"]).removeprefix(ID + "result/"),
        )
        for r in result.records()
    }
    assert {
        (
            "military-training-cooperation-programme",
            "delivered through",
            "military-training-cooperation",
        ),
        ("stabilization-and-reconstruction-task-force", "supported by", "justice-in-guatemala"),
        ("lawyers-without-borders-canada", "supported by", "justice-in-guatemala"),
        ("organization-of-american-states", "delivered by", "oas-electoral-observation"),
        ("police-and-justice-officials", "beneficiary", "national-justice-systems"),
    } <= triples


def test_quantified_results_are_lower_bounds(oxigraph_engine):
    result = ask(oxigraph_engine, "quantified-results")
    found = {
        (
            str(r["result"]).removeprefix(ID + "result/"),
            str(r["comparator"]),
            int(r["value"].toPython()),
            str(r["unit"]),
        )
        for r in result.records()
    }
    assert found == {
        ("military-training-cooperation", ">", 4000, "candidates"),
        ("oas-electoral-observation", ">", 50, "electoral observation missions"),
    }
    quotes = {str(q) for q in result.column("quote")}
    assert "more than\u00a050 electoral observation missions" in quotes


def test_no_result_reports_on_transnational_organized_crime(oxigraph_engine):
    # The five results speak of police, training, justice, elections and justice systems;
    # none of organized crime or trafficking, the subject of the second objective.
    result = ask(oxigraph_engine, "objectives-without-results")
    assert local_names(result, "objective", "objective/") == {
        "combat-transnational-organized-crime"
    }


def test_international_partners_are_the_oas_minustah_and_the_un(oxigraph_engine):
    result = ask(oxigraph_engine, "international-partners")
    assert {str(label) for label in result.column("label")} == {
        "Organization of American States",
        "United Nations Stabilization Mission in Haiti",
        "United Nations",
    }
    assert {str(a) for a in result.column("acronym") if a is not None} == {"OAS", "MINUSTAH"}


def test_theme_coverage_shows_organized_crime_aimed_at_but_not_reported(oxigraph_engine):
    result = ask(oxigraph_engine, "theme-coverage")
    counts = {
        str(r["theme"]).removeprefix(ID + "theme/"): (
            int(r["objectives"].toPython()),
            int(r["engagements"].toPython()),
            int(r["results"].toPython()),
        )
        for r in result.records()
    }
    assert counts["transnational-organized-crime"] == (1, 1, 0)
    assert counts["rule-of-law"][2] == 2
    assert counts["elections"] == (0, 0, 1)


def test_result_provenance_gives_each_result_its_sentence(oxigraph_engine, source_text):
    result = ask(oxigraph_engine, "result-provenance")
    rows = result.records()
    openings = [str(r["quote"]).split()[0] for r in rows]
    assert openings == ["Increased", "Contributed", "Helped", "Supported", "Strengthened"]
    for row in rows:
        start, end = int(row["start"].toPython()), int(row["end"].toPython())
        assert source_text[start:end] == str(row["quote"])


def test_sdg_alignment_maps_rule_of_law_to_target_16_3_as_a_close_match(oxigraph_engine):
    result = ask(oxigraph_engine, "sdg-alignment")
    rows = {
        (
            str(r["sdg"]),
            str(r["match"]).rsplit("#", 1)[1],
            str(r["theme"]).removeprefix(ID + "theme/"),
        )
        for r in result.records()
    }
    assert ("http://metadata.un.org/sdg/16.3", "closeMatch", "rule-of-law") in rows
    assert not any(match == "exactMatch" for _, match, _ in rows)


def test_results_an_actor_takes_part_in(oxigraph_engine):
    assert local_names(ask(oxigraph_engine, "results-by-actor"), "result", "result/") == {
        "haitian-national-police-capacity"
    }
    oas = ask(oxigraph_engine, "results-by-actor", actor="organization-of-american-states")
    assert local_names(oas, "result", "result/") == {"oas-electoral-observation"}


def test_goal_2_has_five_objectives_two_engagements_and_five_results(oxigraph_engine):
    (row,) = ask(oxigraph_engine, "goal-overview").records()
    assert str(row["number"]) == "2"
    assert str(row["label"]) == "Strengthening Security and Institutions"
    assert [int(row[k].toPython()) for k in ("objectives", "engagements", "results")] == [5, 2, 5]


def test_places_lie_where_the_text_puts_them(oxigraph_engine):
    result = ask(oxigraph_engine, "places")
    within = {
        (str(r["label"]), str(r["withinLabel"])) for r in result.records() if r["withinLabel"]
    }
    assert ("Haiti", "Caribbean") in within and ("Guatemala", "Central America") in within
    assert ("Mexico", "Americas") in within and ("Mexico", "Central America") not in within


def test_engagements_on_organized_crime(oxigraph_engine):
    result = ask(oxigraph_engine, "engagements-by-theme")
    assert local_names(result, "engagement", "engagement/") == {"expertise-against-organized-crime"}


def test_statements_mentioning_a_word(oxigraph_engine):
    justice = ask(oxigraph_engine, "statements-mentioning")
    assert local_names(justice, "statement", "result/") == {
        "justice-in-guatemala",
        "national-justice-systems",
    }
    haiti = ask(oxigraph_engine, "statements-mentioning", word="Haiti")
    assert {str(s).removeprefix(ID) for s in haiti.column("statement")} == {
        "objective/haiti-rule-of-law-and-development",
        "result/haitian-national-police-capacity",
    }


def test_every_theme_has_an_english_and_a_french_label(oxigraph_engine):
    result = ask(oxigraph_engine, "themes-hierarchy")
    assert len(result.rows) >= 25
    assert all(r["french"] is not None for r in result.records())


def test_a_parameter_value_cannot_change_the_shape_of_the_query():
    question = LIBRARY.get("results-by-place")
    with pytest.raises(InputError, match="not an IRI"):
        question.bind({"place": "x> } ; DROP ALL ; { <y"})
    with pytest.raises(InputError, match="unknown parameter"):
        question.bind({"colour": "red"})


def test_an_unknown_question_is_reported_by_name():
    with pytest.raises(InputError, match="unknown query 'no-such-question'"):
        LIBRARY.get("no-such-question")


def test_actors_come_in_alphabetical_order_each_with_its_statements_in_order(oxigraph_engine):
    rows = [
        (str(r["actorLabel"]), str(r["statement"]), str(r["roleLabel"]))
        for r in ask(oxigraph_engine, "actors-and-roles").records()
    ]
    assert rows == sorted(rows)  # SPARQL orders plain strings by code point, as Python does
    # "Canadians" comes first: protected by the help to partners (an engagement), and hit by
    # the insecurity that "has a direct impact on Canada and Canadians" (a rationale).
    assert rows[:2] == [
        ("Canadians", ID + "engagement/assist-partners-with-security", "beneficiary"),
        ("Canadians", ID + "rationale/threat-to-the-hemisphere", "affects"),
    ]
    # Next, "more than 4,000 candidates from the Americas" trained through the MTCP.
    assert rows[2][0] == "Candidates from the Americas"
