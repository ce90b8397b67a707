"""`permittui generate`: a synthetic database of N requests, as realistic as the demo, built fast.

What it holds: the shipped schedule, reason codes and conditions (loaded the normal way); about
max(60, N/200) customers with made-up names, countries, sectors and a vetting mix; the shipped
screening sample if there is one (imported the normal way, so hits are real hits) with some of
the hits dispositioned; an allow-list carried over from before the period; and N requests
(access ~55%, release ~30% with evaluation results around the thresholds, renewal ~15%)
submitted over the past two years. Most are decided: decision rows, clock events, grants for
approvals, countersigns where the rules ask for one, and an audit row per change on one valid
hash chain. The open queue (pending, info requested, referred, awaiting countersign) is some
5-10% of the rows, spread over due dates, some overdue.

How it stays fast and bounded in memory (two cores, two processes):
- this process plans: requests in submission order, each with the decisions it will get; those
  wait in per-day buckets and are numbered in time order when their day is over, so decision
  ids, event ids and audit sequence numbers follow time like a real office's. The allow-lists,
  caps and renewals are kept in memory (bounded by the customers x entries, not by N);
- a writer process (forked once the static tables are built) receives the rows in batches over
  a pipe, turns the day streams into decision, event and audit rows (hashing the chain exactly as
  audit.row_hash does, the canonical JSON assembled directly) and inserts them with executemany;
- the requests themselves go to a side file that this process writes and indexes while the
  writer indexes its tables; an INSERT ... SELECT * (SQLite's transfer, which copies the table
  and index b-trees as they are) joins them at the end;
- files are written with journal_mode=OFF / synchronous=OFF and built under a temporary name,
  renamed into place only when complete, then set back to WAL + synchronous FULL; secondary
  indexes are dropped for the load and built afterwards from their own schema SQL;
- due date and flags come from the rules' building blocks on precomputed tables (the tests check
  them against derive.refresh); the flags that depend on how the allow-lists end up (cap reached,
  grant lapsed) are set at the end; the cyclic GC is off during the run (nothing here forms cycles).

The rules are the real ones: every decision goes through lifecycle.rule (refusals, countersign),
approvals past a cap are overrides, prohibited entries are never approved.
"""

from __future__ import annotations

import datetime as dt
import contextlib
import gc
import heapq
import itertools
import json
import os
import random
import re
import sqlite3
import sys
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from math import sqrt
from json.encoder import encode_basestring as _jstr  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any, TextIO

from permittui.domain import flags as F
from permittui.domain import lifecycle
from permittui.domain.clock import now_iso, today
from permittui.domain.models import Customer
from permittui.domain.rules.classify import compare
from permittui.errors import BadInput, Refused
from permittui.identity import Officer, current_officer
from permittui.paths import data_dir
from permittui.store import audit
from permittui.store.db import SCHEMA_VERSION, Store, open_store
from permittui.store.rows import customer_row, dumps

SPAN_DAYS = 730                   # requests are submitted over the past two years
BATCH = 5000                      # rows per executemany
CUSTOMERS_PER_REQUEST = 1 / 200
MIN_CUSTOMERS = 60
M64 = (1 << 64) - 1

OFFICERS = ["m.okafor", "j.lindqvist", "a.sato", "r.dubois", "p.nair", "k.weber", "l.moreau", "t.haddad",
            "s.ivanova", "d.mensah", "h.tanaka", "e.costa"]
INSPECTORS = ["i.kovacs (AISI evaluations)", "n.brennan (cyber inspectorate)", "f.osei (biosecurity panel)",
              "g.lindgren (compute audit)", "y.park (autonomy evaluations)", "c.alvarez (surveillance review)"]

# ── customers ────────────────────────────────────────────────────────────────────────────
# sector, tags (which entries they ask for), weight, naming style, words for company names

PROFILES: list[tuple[str, frozenset[str], int, str, tuple[str, ...]]] = [
    ("frontier lab", frozenset({"lab"}), 4, "company", ("AI", "Intelligence", "Systems", "Labs", "Research")),
    ("cloud provider", frozenset({"cloud"}), 6, "company", ("Cloud", "Compute", "Data Systems")),
    ("data-centre operator", frozenset({"cloud"}), 3, "company", ("Data Centres", "Hosting", "Infrastructure")),
    ("cybersecurity vendor", frozenset({"cyber"}), 11, "company", ("Security", "Cyber", "Defence Technologies")),
    ("red-team consultancy", frozenset({"cyber", "redteam"}), 5, "company", ("Red Team", "Offensive Security",
                                                                           "Adversary Labs")),
    ("managed security provider", frozenset({"cyber"}), 4, "company", ("Managed Security", "Secure Operations")),
    ("penetration-testing firm", frozenset({"cyber", "redteam"}), 3, "company", ("Pen-Test Services",
                                                                               "Security Testing")),
    ("national CERT", frozenset({"cert"}), 2, "agency", ("Computer Emergency Response Team",
                                                         "Cyber Security Centre")),
    ("government agency", frozenset({"cert", "gov"}), 3, "agency", ("Digital Infrastructure Authority",
                                                                    "Network Defence Agency",
                                                                    "Critical Infrastructure Office")),
    ("university", frozenset({"uni"}), 8, "university", ()),
    ("research institute", frozenset({"uni"}), 3, "institute", ("Institute of Informatics",
                                                                "Institute for Advanced Computing")),
    ("biosecurity research institute", frozenset({"bio", "biodef"}), 2, "institute",
     ("Biosecurity Institute", "Centre for Pandemic Preparedness")),
    ("pharma", frozenset({"bio"}), 5, "company", ("Therapeutics", "Pharma", "Biologics")),
    ("biotech", frozenset({"bio"}), 6, "company", ("Biosciences", "Genomics", "Biotech")),
    ("cloud laboratory operator", frozenset({"bio"}), 1, "company", ("Cloud Lab", "Automated Biology")),
    ("defence prime", frozenset({"defence"}), 3, "company", ("Defence Systems", "Dynamics", "Aerospace")),
    ("drone manufacturer", frozenset({"defence"}), 2, "company", ("Robotics", "Unmanned Systems")),
    ("maritime autonomy vendor", frozenset({"defence"}), 1, "company", ("Ocean Robotics", "Marine Autonomy")),
    ("telecom", frozenset({"telecom"}), 6, "company", ("Telecom", "Networks", "Mobile")),
    ("telecom and IT integrator", frozenset({"telecom"}), 2, "company", ("Digital", "Integration Services")),
    ("electricity grid operator", frozenset({"utility"}), 3, "company", ("Grid", "Energy Networks", "Power")),
    ("industrial control systems integrator", frozenset({"utility"}), 2, "company", ("Automation",
                                                                                     "Control Systems")),
    ("computer-vision vendor", frozenset({"cv"}), 2, "company", ("Vision", "Imaging Analytics")),
    ("transport authority", frozenset({"gov", "transit"}), 1, "agency", ("Transit Safety Authority",
                                                                         "Transport Security Agency")),
    ("blockchain analytics", frozenset({"fintech"}), 2, "company", ("Ledger Analytics", "Chain Intelligence")),
    ("retail bank", frozenset({"fintech"}), 2, "company", ("Bank", "Banking Group")),
    ("surveillance analytics vendor", frozenset({"gov"}), 1, "company", ("Analytics", "Civic Data")),
]

# country, weight, legal forms
COUNTRIES: list[tuple[str, int, tuple[str, ...]]] = [
    ("US", 18, ("Inc.", "LLC", "Corp.")), ("GB", 10, ("Ltd", "plc")), ("DE", 8, ("GmbH", "AG")),
    ("FR", 6, ("SAS", "SA", "SARL")), ("JP", 5, ("K.K.", "Co., Ltd.")), ("KR", 4, ("Co., Ltd.",)),
    ("CA", 4, ("Inc.", "Ltd.")), ("IN", 4, ("Pvt Ltd", "Ltd")), ("NL", 3, ("B.V.", "N.V.")), ("SE", 3, ("AB",)),
    ("CH", 3, ("AG", "SA")), ("SG", 3, ("Pte. Ltd.",)), ("AU", 3, ("Pty Ltd",)), ("IL", 2, ("Ltd.",)),
    ("IE", 2, ("Ltd", "DAC")), ("ES", 2, ("S.L.", "S.A.")), ("IT", 2, ("S.p.A.", "S.r.l.")),
    ("BR", 2, ("Ltda.", "S.A.")), ("AE", 2, ("LLC", "FZE", "FZ-LLC")), ("FI", 1, ("Oy",)),
    ("DK", 1, ("A/S", "ApS")), ("NO", 1, ("AS", "ASA")), ("EE", 1, ("OÜ",)), ("CZ", 1, ("s.r.o.", "a.s.")),
    ("PL", 1, ("sp. z o.o.", "S.A.")), ("TW", 1, ("Co., Ltd.",)), ("MX", 1, ("S.A. de C.V.",)),
    ("ZA", 1, ("(Pty) Ltd",)), ("NZ", 1, ("Limited",)), ("CN", 1, ("Co., Ltd.",)),
]

STEMS = (
    "Halcyon Meridian Nordwind Corvid Stratus Pacifica Maplegrid Nordlicht Kestrel Bastion Ironbark Sentinelle "
    "Cobalt Vigil Araucaria Lumen Veridian Basilea Sable Mirae Praxis Albion Talon Quillon Fjordline Conecta "
    "Zeta Kaimana Aster Borealis Cirrus Dunmore Elmstead Falcata Gannet Harrow Isarn Juniper Kittiwake Larch "
    "Mistral Nimbus Oakhaven Peregrine Quartzline Rowan Saltire Tamarind Umbra Vantage Wrenfield Xylem Yarrow "
    "Zephyr Alder Beacon Cairn Delphine Ember Fenwick Glacier Heron Indigo Jasper Kelvin Lodestar Marlin "
    "Northstar Onyx Pinnacle Quill Redwood Solent Thistle Upland Vesper Willow Arbor Brightwater Copperleaf "
    "Driftwood Eastgate Foxglove Greystone Highmoor Ironwood Kingfisher Lanternfish Moorland Newhaven Orchid "
    "Pembroke Riverside Silverline Tidewater Valemont Westmarch Amsel Birke Eiche Falke Kranich Linde Reiher "
    "Sperber Aurore Brume Cascade Etoile Lierre Orage Sorbier Hikari Kaze Sora Mizu Hoshi Tsubasa Hana Baram "
    "Haneul Nari Saebyeok Iris Lotus Aurora Condor Puma Jaguar Ceiba Mangrove Monsoon Saffron Banyan Lynx "
    "Osprey Cormorant Merlin Tern Avocet Plover Curlew Sandpiper Bittern Egret Ibis Stork Crane Swift Martin"
).split()

PLACES = (
    "Wellingborough Nordheide Campinas Sul Kyōto Pune Lyon Northmere Eastbrook Ravensworth Saint-Aubin Valdoria "
    "Kingsbridge Altmark Rheinau Bergsund Tallholm Marisol Oakridge Glenmoor Ashdown Fernhill Lakeshore "
    "Weststrand Hochfeld Montclair Riverton Stonebridge Elmira Porthaven"
).split()

CODE_FIT = {
    "AI.C.1.c": {"cyber", "cert", "utility", "telecom"}, "AI.C.2.a": {"redteam", "cert", "cyber"},
    "AI.C.4.a": {"cyber", "cert", "uni", "telecom"}, "AI.B.2.a": {"bio", "biodef"},
    "AI.W.1.a": {"cloud", "bio", "telecom", "gov"}, "AI.W.3.a": {"bio", "cloud", "telecom"},
    "AI.W.3.b": {"cloud"}, "AI.W.4.a": {"cloud", "uni", "lab"}, "AI.A.1.b": {"lab", "uni"},
    "AI.A.2.b": {"uni", "lab", "cyber"}, "AI.S.1.a": {"telecom", "cert"}, "AI.S.1.b": {"transit", "gov", "cv"},
    "AI.S.2.a": {"gov", "fintech", "cyber"},
}
# Entries needing a countersign (C.1.c, B.2.a, W.1.a, A.1.b, A.2.b, S.1.b) are about a quarter of access requests.
CODE_WEIGHT = {"AI.C.1.c": 4, "AI.C.2.a": 10, "AI.C.4.a": 3, "AI.B.2.a": 2, "AI.W.1.a": 4, "AI.W.3.a": 8,
               "AI.W.3.b": 6, "AI.W.4.a": 14, "AI.A.1.b": 3, "AI.A.2.b": 3, "AI.S.1.a": 10, "AI.S.1.b": 3,
               "AI.S.2.a": 9}
SECONDARY = {"AI.C.1.c": "AI.C.2.a", "AI.W.1.a": "AI.W.3.b"}   # asked for together, sometimes
PROGRAMMES = 64                   # distinct end uses per customer and entry (allow-list rows they can hold)

# ── end uses ─────────────────────────────────────────────────────────────────────────────

PURPOSES: dict[str, list[tuple[str, str]]] = {
    "AI.C.4.a": [
        ("Defensive vuln discovery in own products",
         "Defensive vulnerability discovery in the customer's own products and open-source dependencies before"
         " release, with findings sent to its PSIRT and upstream maintainers under coordinated disclosure."),
        ("CERT advisory triage", "Triage of incoming vulnerability reports and exploitability analysis for"
         " national advisories, never against systems the customer does not own or hold written authority to test."),
        ("Security review of cloud control plane", "Security review of the customer's cloud control plane and"
         " hypervisor code by its product-security group."),
        ("Closed cyber-range teaching", "Teaching and research in a closed university cyber range where students"
         " reproduce disclosed vulnerabilities in isolated virtual networks."),
        ("Fuzzing telecom core software", "Continuous fuzzing and root-cause analysis of the customer's telecom"
         " core-network software in a lab replica of production."),
    ],
    "AI.C.1.c": [
        ("Authorised pen-testing of own OT network", "Authorised penetration testing of the customer's own OT"
         " network under contract with a national grid operator."),
        ("Autonomous red-team against enterprise replica", "Autonomous red-team exercises against a full-scale"
         " replica of the customer's enterprise network, run quarterly with the blue team observing."),
        ("Purple-team validation of detection rules", "Purple-team validation of detection rules: the agent runs"
         " end-to-end intrusion scenarios in a segregated range while defenders tune alerts."),
        ("Hospital-network resilience assessment", "Assessment of hospital-network resilience for a regional"
         " health authority, on a cloned test environment only."),
    ],
    "AI.C.2.a": [
        ("C2 implants for detection signatures", "Development of detection signatures for command-and-control"
         " traffic; the model generates implant variants in an isolated malware lab with no network egress."),
        ("Red-team services to government departments", "Red-team services for government departments under a"
         " framework contract, with implants time-limited and registered with the client's SOC."),
        ("Intrusion samples for responder training", "Training material for incident responders: realistic"
         " intrusion-software samples generated and detonated in a sandbox."),
        ("Adversary emulation for financial institutions", "Adversary-emulation engagements for regulated"
         " financial institutions under signed rules of engagement, inside client test environments only."),
    ],
    "AI.B.2.a": [
        ("Biosecurity red-teaming of frontier models", "Biosecurity red-teaming of frontier models by a biodefence"
         " laboratory, outputs held on an isolated network and reviewed by the institutional biosafety committee."),
        ("Broad-spectrum antiviral design", "Design of broad-spectrum antiviral countermeasures against emerging"
         " viral families, with all sequence work restricted to a BSL-3 facility."),
        ("Host-range modelling for vaccine strains", "Pandemic-preparedness modelling of host-range changes to"
         " inform vaccine strain selection, under the institution's dual-use research of concern policy."),
    ],
    "AI.W.1.a": [
        ("Sovereign-cloud hosting of closed weights", "Hosting of closed frontier weights in the customer's"
         " sovereign-cloud region to serve government tenants, under the developer's weight-security requirements."),
        ("Air-gapped on-prem deployment", "On-premises deployment of closed frontier weights in the customer's"
         " air-gapped research cluster for drug-discovery workloads."),
        ("Disaster-recovery replica of covered weights", "Disaster-recovery replica of covered weights in a second"
         " data centre operated by the customer."),
        ("Regional serving of a frontier model", "Serving a frontier model from the customer's regional data"
         " centre to local enterprise customers through the developer's API gateway."),
    ],
    "AI.W.3.a": [
        ("Fine-tuned weights into hospital network", "Receipt of fine-tuned weights derived from a covered model,"
         " for deployment inside a hospital group's private network."),
        ("Distilled weights to overseas subsidiary", "Transfer of distilled weights to a subsidiary in another"
         " jurisdiction for local-language serving."),
        ("Weights escrow with a national lab", "Escrow of covered weights with a national laboratory for"
         " post-deployment evaluation."),
    ],
    "AI.W.3.b": [
        ("Temporary SL-2 hosting during migration", "Temporary hosting of covered weights at a security-level-2"
         " facility during a data-centre migration, with compensating controls."),
        ("Edge deployment at field sites", "Edge deployment of a covered model on ruggedised servers at field"
         " sites that cannot meet level-3 physical security."),
    ],
    "AI.W.4.a": [
        ("Accelerators for national-language model", "Supply of advanced accelerators (TPP at or above 4800) for"
         " training a national-language foundation model at a supercomputing centre."),
        ("GPU cloud region expansion", "Expansion of a commercial GPU cloud region with accelerators rented to"
         " vetted AI developers."),
        ("Climate-modelling cluster refresh", "Replacement of end-of-life accelerators in a weather and climate"
         " modelling cluster."),
        ("Drug-discovery training cluster", "A dedicated training cluster for protein-structure and"
         " drug-discovery models."),
    ],
    "AI.A.1.b": [
        ("Internal automated-research agent", "Internal deployment of an automated AI-research agent across the"
         " customer's pre-training and evaluation teams, with compute budgets capped per run."),
        ("Research agent for interpretability lab", "Use of an automated research agent to speed up"
         " interpretability research in a university lab, on a fixed compute allocation."),
    ],
    "AI.A.2.b": [
        ("Shutdown-resistance research in sandbox", "Alignment research on shutdown resistance and sabotage"
         " behaviour of a frontier checkpoint in an air-gapped sandbox."),
        ("Third-party oversight-undermining evals", "Third-party safety evaluation of oversight-undermining"
         " behaviour for a model developer, under an evaluation agreement."),
    ],
    "AI.S.1.a": [
        ("Botnet and SIM-box fraud detection", "Analysis of IP traffic metadata across subscriber lines to"
         " detect botnets and SIM-box fraud, with no content inspection."),
        ("Network-abuse detection for research network", "Network-abuse detection for a national research and"
         " education network."),
    ],
    "AI.S.1.b": [
        ("Consented face matching at boarding gates", "Real-time face matching at airport boarding gates against"
         " passengers' consented enrolment photos; faces of people not enrolled are discarded at the camera."),
        ("Missing-persons search on station cameras", "Identification of missing persons on station cameras"
         " during declared emergencies, on a court order each time."),
    ],
    "AI.S.2.a": [
        ("Tracing ransomware proceeds", "Tracing ransomware proceeds by fusing blockchain, sanctions and"
         " corporate-registry data for law-enforcement referrals."),
        ("Cross-bank fraud investigation", "Fraud investigation across banking, telecom and device-fingerprint"
         " data for a consortium of retail banks."),
    ],
}

SCOPES = [
    "Access is limited to {n} named analysts on managed workstations.",
    "Use is confined to {n} staff in one secured facility.",
    "About {n} engineers will use it from the customer's own network.",
    "The programme runs for {n} months with quarterly reports to the regulator.",
    "Work is split across {n} project teams, each with its own access list.",
    "Sessions are run by a team of {n} under a documented change process.",
    "The deployment serves {n} internal business units.",
    "A pilot with {n} users precedes any wider use.",
]
NUMBERS = [4, 6, 8, 12, 15, 20, 24, 30, 40, 60]
SAFEGUARDS = [
    "Every model session is logged and the logs kept for 24 months.",
    "Outputs are reviewed by a second person before any use outside the lab.",
    "No output leaves the isolated network without sign-off by the security officer.",
    "Staff are vetted to the national standard and retrained yearly.",
    "Incidents are reported to the authority within 72 hours.",
    "The vendor receives usage telemetry and may suspend access.",
    "An independent auditor reviews the controls each year.",
    "The customer will not transfer access or outputs to third parties.",
    "Physical access to the hosting site is controlled and logged.",
    "A kill switch lets the security team stop all sessions at once.",
]
VAGUE_END_USES = ["Research.", "General business use of the model; details to follow.",
                  "As discussed with the department last month.",
                  "Evaluation of the capability for possible future products."]
RELEASE_END_USES = [
    "General availability through the developer's API and consumer assistant, with a zero-retention"
    " enterprise tier.",
    "Limited research preview for about 200 vetted safety researchers through the API, with usage monitoring.",
    "Open-weight publication on public model hubs under a permissive licence.",
    "Deployment to enterprise customers only, in dedicated tenancies with classifier-based misuse filters.",
    "Staged rollout: 5% of API traffic for two weeks, then general availability if the incident rate stays"
    " below the agreed threshold.",
    "Release of a cyber-defence fine-tune to members of the developer's trusted-access programme only.",
    "Internal deployment only (research and coding agents for employees); no external access.",
    "On-device release of a distilled model in a consumer phone assistant.",
]
# Requests that touch a red line: (entry, sector tags, summary, end use). The texts carry the
# schedule's red-line phrases on purpose; the flag comes from the schedule, not from this list.
RED_LINE_CASES = [
    ("AI.A.9.a", {"defence"}, "Mission-computer integration for loitering munition",
     "Integration of the model into a loitering munition's mission computer for autonomous target engagement"
     " of personnel in contested areas."),
    ("AI.A.9.a", {"defence"}, "Autonomous strike planning", "Kill chain automation for a strike-planning"
     " system that would select and engage targets without meaningful human control."),
    ("AI.S.9.a", {"gov", "cv", "telecom"}, "Resident scoring index", "Population-scale monitoring of residents'"
     " phone metadata and payments to produce a social scoring index that gates access to municipal services."),
    ("AI.S.9.a", {"gov", "cv", "telecom"}, "City-wide behaviour scoring", "Mass surveillance of public spaces"
     " feeding a citizen scoring database run by the municipality."),
    ("AI.B.2.b", {"bio"}, "Autonomous design-build-test on viral vectors", "Connecting the model to a cloud"
     " laboratory so that it runs design cycles on viral vectors overnight: pathogen synthesis without human"
     " review of each run."),
]
REDLINE_FALSE_POSITIVE = ("Warrant-based interception support, named targets",
                          "Lawful, warrant-based interception support for named individual targets only. The"
                          " operator certifies the system will not be used for mass surveillance.")

# Capability metrics a lab reports for a release; CORE ones are always reported.
RELEASE_METRICS = [
    "cumulative_training_compute", "effective_compute_ratio_vs_last_reviewed",
    "validated_novel_vulns_cvss7plus_in_reference_corpus", "exploit_success_rate_professional_ctf",
    "end_to_end_range_success_rate", "novice_attack_task_success_ratio_vs_control",
    "novice_end_to_end_uplift_ratio_vs_control", "virology_troubleshooting_percentile_vs_experts",
    "expert_team_novel_design_uplift_ratio_vs_control", "autonomous_synthesis_cycle_completed_on_proxy",
    "expert_graded_route_actionability_rate", "screening_evasion_success_rate",
    "entry_level_research_task_completion_rate", "ai_progress_speedup_vs_2018_2024_rate",
    "ara_task_suite_success_rate", "oversight_undermining_eval_rate", "task_time_horizon_at_50pct_success",
    "specially_designed_for_intrusion_software", "weight_security_level",
]
CORE_METRICS = ["cumulative_training_compute", "exploit_success_rate_professional_ctf",
                "novice_end_to_end_uplift_ratio_vs_control", "ara_task_suite_success_rate"]
# Results sometimes reported in another unit: (metric, unit, convert). "operations" is the same
# unit as FLOP to the rules, the others are not comparable and become metric notes.
ODD_UNITS = [("exploit_success_rate_professional_ctf", "percent", lambda v: round(v * 100)),
             ("task_time_horizon_at_50pct_success", "minutes", lambda v: int(round(v * 60))),
             ("virology_troubleshooting_percentile_vs_experts", "fraction", lambda v: round(v / 100, 2)),
             ("cumulative_training_compute", "operations", lambda v: v)]
SAME_UNIT = {("operations", "FLOP")}
MODEL_VARIANTS = ("", " Mini", " Pro", " Agent", " Code", " Vision")
# Names of a model's checkpoint in a month (all different: a release's clearance is per model).
CHECKPOINTS = ["pre-release checkpoint {ym}", "release candidate rc1", "release candidate rc2",
               "release candidate rc3", "checkpoint {ym}-b", "checkpoint {ym}-c", "final candidate {ym}",
               "release candidate rc4"]

CONDITIONS_BY_CATEGORY = {
    "cyber": ["NAMED-USERS-ONLY", "AUDIT-LOG-RETENTION", "INCIDENT-REPORT-72H", "HUMAN-REVIEW-REQUIRED"],
    "bio_chem": ["ON-PREMISES-ONLY", "NAMED-USERS-ONLY", "QUARTERLY-REPORTING"],
    "weights_compute": ["SECURITY-LEVEL-3", "NO-WEIGHTS-EXPORT", "NO-ONWARD-TRANSFER"],
    "autonomy": ["ON-PREMISES-ONLY", "RED-TEAM-BEFORE-DEPLOY"],
    "surveillance": ["AUDIT-LOG-RETENTION", "QUARTERLY-REPORTING", "END-USE-CERT-ANNUAL"],
}
RELEASE_CONDITIONS = ["STAGED-ROLLOUT", "INCIDENT-REPORT-72H", "RED-TEAM-BEFORE-DEPLOY"]

NOTES = {
    "approve": ["End use verified against the customer's file; safeguards adequate.",
                "Evaluations and safeguards reviewed; no concerns.",
                "Consistent with earlier grants to this customer."],
    "approve-with-conditions": ["Approved on the standard conditions for this entry.",
                                "Safeguards adequate with the listed conditions.",
                                "Renewal on the same conditions; no incidents reported in the term."],
    "deny": ["Safeguards do not match the risk of the end use.", "End use not credible for this customer.",
             "Refused under the schedule; may reapply with further information."],
    "return": ["Returned without action: the application is incomplete.",
               "Wrong procedure for this entry; see the guidance.", "No response to the request for information."],
    "request-info": ["Please describe who will use the capability and where.",
                     "Send the safeguards report and the evaluation protocol.",
                     "Clarify the end user and any onward transfer."],
    "refer": ["Technical questions for the inspectorate before a decision.",
              "Evaluation results need an inspector's reading."],
    "countersign": ["Second review done; agree.", "Countersigned.", "Agree with the first officer's reasoning."],
}
REASONS = {
    "approve": [["END-USE-VERIFIED", "SAFEGUARDS-ADEQUATE"], ["END-USE-VERIFIED"]],
    "approve-with-conditions": [["END-USE-VERIFIED", "SAFEGUARDS-ADEQUATE"], ["SAFEGUARDS-ADEQUATE"]],
    "approve-release": [["SAFEGUARDS-ADEQUATE", "EVAL-BELOW-THRESHOLD"], ["SAFEGUARDS-ADEQUATE"]],
    "deny": [["SAFEGUARDS-INADEQUATE"], ["EU-DIVERSION-RISK", "SAFEGUARDS-INADEQUATE"], ["PARTY-UNVERIFIED"],
             ["PRIOR-DENIAL", "EU-DIVERSION-RISK"]],
    "deny-release": [["EVAL-THRESHOLD-CROSSED", "SAFEGUARDS-INADEQUATE"], ["EVAL-INSUFFICIENT"]],
    "deny-cap": [["CAP-REACHED"]],
    "deny-party": [["PARTY-RELIABILITY"], ["PARTY-RELIABILITY", "PRIOR-DENIAL"]],
    "deny-listed": [["PARTY-LISTED", "SCREENING-MATCH"], ["SCREENING-MATCH"]],
    "return": [["RWA-INCOMPLETE"], ["RWA-WRONG-AUTHORITY"], ["RWA-NO-RESPONSE"], ["NLR-NOT-LISTED"]],
    "request-info": [["RWA-INCOMPLETE"], ["EVAL-INSUFFICIENT"], ["PARTY-UNVERIFIED"]],
    "refer": [["REFER-TECHNICAL"]],
}
OPEN_TARGETS = ["pending"] * 6 + ["info_requested"] * 2 + ["referred", "awaiting_countersign"]
OUTCOME_CUTS = {"access": (0.35, 0.70, 0.85), "release": (0.42, 0.86, 0.92), "renewal": (0.30, 0.90, 0.95)}
RED_LINE_REASON = {"autonomy": "REDLINE-AUTONOMOUS-WEAPONS", "surveillance": "REDLINE-MASS-SURVEILLANCE",
                   "bio_chem": "REDLINE-BIO-SYNTHESIS"}


PRE_STEP = {"access": (0.05, 0.025), "release": (0.05, 0.06), "renewal": (0.03, 0.01)}   # request-info, refer
WRITER_PROCESS_FROM = 20_000     # below this many requests the rows are written in-process
# Secondary indexes of the bulk tables are dropped for the load and built after it, from their own
# schema SQL: keeping them up row by row costs the writer about three times as much.
BULK_TABLES = ("requests", "request_entries", "request_events", "decisions", "audit", "grants", "grant_changes")


def _mix(a: int, b: int, c: int) -> int:
    """A stable scramble of three small integers (Python's hash() of str is salted per process)."""
    h = (a * 0x9E3779B97F4A7C15 + b * 0xBF58476D1CE4E5B9 + c * 0x94D049BB133111EB) & M64
    h ^= h >> 31
    h = (h * 0xD6E8FEB86659FD93) & M64
    return h ^ (h >> 32)


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    """One pattern that matches wherever one of classify._phrase_pattern's patterns would."""
    parts = [r"\b" + r"[\s\-]+".join(re.escape(w) for w in p.lower().split()) + r"\b" for p in phrases if p.split()]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


@dataclass
class GenerateResult:
    path: Path
    requests: int
    open: int
    customers: int
    decisions: int
    grants: int
    audit: int
    seconds: float

    def __str__(self) -> str:
        return (f"generated {self.path}: {self.requests:,} requests ({self.open:,} open), {self.customers:,}"
                f" customers, {self.decisions:,} decisions, {self.grants:,} grants, {self.audit:,} audit entries"
                f" in {self.seconds:.1f}s")


class _Backdated(Store):
    """The normal import path, with its audit rows dated at the start of the generated history."""

    def __init__(self, store: Store, clock: Callable[[], str]) -> None:
        super().__init__(store.conn, store.path, store.officer, read_only=False)
        self.lock = store.lock
        self._clock = clock

    def audit(self, action: str, subject: str, payload: dict[str, Any], at: str | None = None) -> int:
        return super().audit(action, subject, payload, at or self._clock())


class _Progress:
    """One \\r line on stderr (only when it is a terminal): percent, count and rate."""

    def __init__(self, total: int, enabled: bool, stream: TextIO) -> None:
        self.total, self.enabled, self.stream = total, enabled, stream
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        self._line(f"generating: {100 * done // self.total:3d}%  {done:,}/{self.total:,} requests  {rate:,.0f}/s")

    def phase(self, text: str) -> None:
        if self.enabled:
            self._line(text)

    def done(self) -> None:
        if self.enabled:
            self._line("")

    def _line(self, text: str) -> None:
        self.stream.write(f"\r{text:<76}\r" if not text else f"\r{text:<76}")
        self.stream.flush()


# ── the entry point ──────────────────────────────────────────────────────────────────────

def generate(path: Path | str, n: int, *, seed: int = 1, force: bool = False, officer: Officer | None = None,
             progress: bool | None = None, out: TextIO | None = None,
             writer_process: bool | None = None) -> GenerateResult:
    """Write a synthetic database of `n` requests at `path` and print a one-line summary.

    Refused if a file is there, unless force. The database is built under a temporary name beside
    `path` and renamed into place only when complete, so a failed or interrupted run leaves the
    old file (if any) as it was. writer_process: write rows from a second process (default: for
    runs of WRITER_PROCESS_FROM requests or more)."""
    path = Path(path)
    if n < 1:
        raise BadInput("--requests must be at least 1")
    if path.is_dir():
        raise BadInput(f"{path}: is a directory")
    if path.exists() and not force:
        raise Refused(f"{path}: a file already exists here; nothing changed (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    officer = officer or current_officer()
    err = sys.stderr
    if progress is None:
        progress = err.isatty()
    if writer_process is None:
        writer_process = n >= WRITER_PROCESS_FROM
    tmp = path.with_name(f".{path.name}.generating-{os.getpid()}")
    _remove(tmp)
    started = time.monotonic()
    gen = None
    # Millions of rows pass through lists and tuples that never form cycles: the cyclic collector
    # would only walk them over and over (it costs a third of the time at a million requests).
    collecting = gc.isenabled()
    gc.disable()
    try:
        gen = _Generator(tmp, path.name, n, seed, officer, _Progress(n, progress, err), writer_process)
        counts = gen.run()
        _remove(path)
        os.replace(tmp, path)
    except BaseException:
        if gen is not None:
            gen.abort()
        _remove(tmp)
        raise
    finally:
        if collecting:
            gc.enable()
    result = GenerateResult(path, n, counts["open"], counts["customers"], counts["decisions"], counts["grants"],
                            counts["audit"], time.monotonic() - started)
    print(result, file=out or sys.stdout)
    return result


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# ── writing rows: directly, or from a second process ─────────────────────────────────────

class _Writer:
    """Its own connection to the new file, journal off, one transaction for the whole load. Besides
    plain rows it takes the day streams and the grant records, which `expander` (the generator, in
    the child a copy of it as it was when the load began) turns into rows."""

    def __init__(self, path: str, expander: _Generator | None) -> None:
        self.expander = expander
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF", "cache_size = -65536",
                       "temp_store = MEMORY", "threads = 2", "locking_mode = EXCLUSIVE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")

    def handle(self, message: list[tuple[str, Any, Any]]) -> None:
        db = self.db
        for op, a, b in message:
            if op == "many":
                db.executemany(a, b)
            elif op == "one":
                db.execute(a, b)
            elif op == "stream":
                events, decisions, audit_rows = self.expander._expand_stream(a)
                db.executemany(EVENT_SQL, events)
                db.executemany(DECISION_SQL, decisions)
                db.executemany(AUDIT_SQL, audit_rows)
            elif op == "grants":
                new, changed = self.expander._expand_grants(a)
                db.executemany(GRANT_SQL, new)
                db.executemany(GRANT_UPDATE_SQL, changed)

    def finish(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()

    def abort(self) -> None:
        self.db.close()


def _writer_process(path: str, conn: Any, expander: _Generator) -> None:
    """The child: a thread drains the pipe (so the parent never waits on SQLite) while the main
    thread expands and executes; the queue between them is bounded, and so is memory."""
    import pickle
    import queue
    import threading
    import traceback

    gc.disable()
    try:
        writer = _Writer(path, expander)
        inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=8)

        def pump() -> None:
            try:
                while True:
                    data = conn.recv_bytes()
                    inbox.put(data)
                    if not data:
                        return
            except (EOFError, OSError):
                inbox.put(None)

        threading.Thread(target=pump, daemon=True).start()
        while True:
            data = inbox.get()
            if data is None:
                raise RuntimeError("the generating process went away")
            if not data:
                break
            writer.handle(pickle.loads(data))
        writer.finish()
        conn.send(("ok", ""))
    except BaseException:
        try:
            conn.send(("error", traceback.format_exc()))
        except Exception:
            pass


class _Sink:
    """Rows and records buffered per kind and sent in batches to the writer: in a child process
    (forked when the load begins) for big runs, else directly."""

    FLUSH_ROWS = 20_000

    def __init__(self, path: Path, use_process: bool, expander: _Generator) -> None:
        self.tables: dict[str, tuple[str, list[tuple]]] = {}
        self.stream: list[tuple] = []          # the days' registrations and decisions, in time order
        self.grant_records: list[tuple] = expander.grant_ops   # grants made and extended, in order
        self.proc = None
        self.writer: _Writer | None = None
        if use_process:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=True)
            self.proc = ctx.Process(target=_writer_process, args=(str(path), child, expander), daemon=True,
                                    name="permittui-generate-writer")
            self.proc.start()
            child.close()
        else:
            self.writer = _Writer(str(path), expander)

    def rows(self, table: str, sql: str) -> list[tuple]:
        """The buffer to append rows of `table` to (the same list for the whole run)."""
        if table not in self.tables:
            self.tables[table] = (sql, [])
        return self.tables[table][1]

    def pending(self) -> int:
        return sum(len(rows) for _, rows in self.tables.values()) + 3 * len(self.stream) + len(self.grant_records)

    def flush(self) -> None:
        message: list[tuple[str, Any, Any]] = [("many", sql, rows[:]) for sql, rows in self.tables.values() if rows]
        if self.stream:
            message.append(("stream", self.stream[:], None))
        if self.grant_records:
            message.append(("grants", self.grant_records[:], None))
        for _, rows in self.tables.values():
            rows.clear()
        self.stream.clear()
        self.grant_records.clear()
        if message:
            self._send(message)

    def execute(self, sql: str, args: tuple | list = ()) -> None:
        self.flush()
        self._send([("many" if isinstance(args, list) else "one", sql, args)])

    def _send(self, message: list[tuple[str, Any, Any]]) -> None:
        if self.writer is not None:
            self.writer.handle(message)
            return
        import pickle

        try:
            self.conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, EOFError, OSError):
            self._fail()

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.finish()
            self.writer = None
            return
        try:
            self.conn.send_bytes(b"")
            status, detail = self.conn.recv()
        except (BrokenPipeError, EOFError, OSError):
            self._fail()
        self.proc.join()
        self.proc = None
        if status != "ok":
            raise RuntimeError(f"the writer process failed:\n{detail}")

    def _fail(self) -> None:
        detail = ""
        try:
            if self.conn.poll(5):
                detail = self.conn.recv()[1]
        except Exception:
            pass
        raise RuntimeError(f"the writer process failed{':' + chr(10) + detail if detail else ''}")

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
            self.proc = None


# ── the generator ────────────────────────────────────────────────────────────────────────

REQ_SQL = ("INSERT INTO requests (id, kind, customer_id, entries, end_use, model, evaluations, summary, submitted,"
           " registered, status, assignee, priority, version, due, flags, paused_since, paused_days, updated_at)"
           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
ENTRY_SQL = "INSERT OR IGNORE INTO request_entries (request_id, code) VALUES (?, ?)"
EVENT_SQL = "INSERT INTO request_events (request_id, at, event, detail) VALUES (?,?,?,?)"
DECISION_SQL = ("INSERT INTO decisions (id, request_id, outcome, reasons, conditions, note, officer, os_account,"
                " decided_at, schedule_version, request_version, status_before, status_after, acts_on, inspector,"
                " referral_due, override) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
AUDIT_SQL = ("INSERT INTO audit (seq, at, officer, os_account, action, subject, payload, prev_hash, hash)"
             " VALUES (?,?,?,?,?,?,?,?,?)")
CHANGE_SQL = "INSERT INTO grant_changes (decision_id, grant_id, before) VALUES (?,?,?)"
GRANT_SQL = ("INSERT INTO grants (id, customer_id, code, end_use, conditions, granted, expires, status, decision_id)"
             " VALUES (?,?,?,?,?,?,?, 'active', ?)")
GRANT_UPDATE_SQL = "UPDATE grants SET conditions = ?, expires = ?, decision_id = ? WHERE id = ?"

# Decisions wait in their day's bucket as tuples:
#   (kind, rid, outcome, reasons, conditions, note, officer, status_before, status_after, version,
#    inspector, referral_due, override, why (JSON), grant, link)
# kind 1 = a decision, 2 = a countersign; a registration is (0, rid). `grant` is what an approval
# writes to the allow-list, `link` carries the id of a decision to its countersign.
_REG, _DEC, _CS, _INTAKE = 0, 1, 2, 3


class _Generator:
    def __init__(self, path: Path, name: str, n: int, seed: int, officer: Officer, progress: _Progress,
                 writer_process: bool) -> None:
        self.path, self.name, self.n, self.seed, self.officer = path, name, n, seed, officer
        self.progress, self.writer_process = progress, writer_process
        self.rng = random.Random(seed)
        self.today = today()
        self.today_ord = self.today.toordinal()
        self.last_day = self.today_ord - 1                # nothing is dated today: it is all history
        self.first_day = self.last_day - SPAN_DAYS + 1
        self.base_ord = self.first_day - 1200
        self._days = [dt.date.fromordinal(o).isoformat() for o in range(self.base_ord, self.today_ord + 1600)]
        self._times = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{(s * 7919) % 1000000:06d}Z"
                       for s in range(86400)]
        self.os_account = officer.os_account
        self.os_j = _jstr(self.os_account)
        self.counts = {"decisions": 0, "grants": 0, "audit": 0, "open": 0, "customers": 0}
        self.sink: _Sink | None = None
        self.side: _Writer | None = None
        self.side_path = path.with_name(path.name + ".requests")
        _remove(self.side_path)
        self.store: Store | None = open_store(path, officer, create=True)

    def day(self, ordinal: int) -> str:
        i = ordinal - self.base_ord
        if 0 <= i < len(self._days):
            return self._days[i]
        return dt.date.fromordinal(ordinal).isoformat()

    def stamp(self, ordinal: int, secs: int) -> str:
        return self.day(ordinal) + self._times[secs]

    def abort(self) -> None:
        if self.sink is not None:
            self.sink.abort()
        if self.side is not None:
            self.side.abort()
        if self.store is not None:
            self.store.close()
        _remove(self.side_path)

    # ── the whole run ──
    def run(self) -> dict[str, int]:
        store = self.store
        assert store is not None
        clock = self._setup_clock()
        self.backdated = _Backdated(store, clock)
        with self.backdated.write() as conn:          # what init_store writes, dated at the start
            conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_iso(),))
            conn.execute("INSERT INTO meta VALUES ('strict_identity', '0')")
            self.backdated.audit("init", self.name, {"schema_version": SCHEMA_VERSION, "strict_identity": False,
                                                     "group": None})
        from permittui.store.demo import load_defaults

        for _ in load_defaults(self.backdated):
            pass
        self._load_rules()
        self._customers()
        self._screening()
        self._legacy_grants()
        self.seq, self.prev_hash = audit.head(store.conn)
        # Requests and their entries go to a side file that this process writes and indexes itself
        # (while the writer indexes the rest); a transfer (INSERT ... SELECT *, which copies table
        # and index b-trees as they are) brings them over at the end.
        side_tables = ("requests",)
        schema = store.conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
        dropped = [(name, sql) for kind, name, table, sql in schema
                   if kind == "index" and table in BULK_TABLES and table not in side_tables]
        for name, _ in dropped:       # rebuilt after the load, from their own schema SQL
            store.conn.execute(f'DROP INDEX "{name}"')
        store.close()                 # the writer has the file to itself until the load is done
        self.store = None
        self.sink = _Sink(self.path, self.writer_process, self)     # (forks before the side file opens)
        self.side = _Writer(str(self.side_path), None)
        for kind, name, table, sql in schema:
            if kind == "table" and table in side_tables:
                self.side.db.execute(sql)
        side_indexes = [sql for kind, name, table, sql in schema if kind == "index" and table in side_tables]
        self._requests()
        self.progress.phase("building indexes ...")
        for _, sql in dropped:
            self.sink.execute(sql)
        self.sink.flush()
        self._fix_flags()             # on the side file, while the writer builds its indexes
        for sql in side_indexes:
            self.side.db.execute(sql)
        self.side.finish()
        self.side = None
        self.sink.close()
        self.sink = None
        self.progress.phase("joining the files ...")
        with contextlib.closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF"):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("ATTACH DATABASE ? AS side", (str(self.side_path),))
            conn.execute("BEGIN")
            for table in side_tables:
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE side")
        _remove(self.side_path)
        self.progress.done()

        # Back to the normal settings (WAL, synchronous FULL, foreign keys) for the last word.
        self.store = store = open_store(self.path, self.officer)
        with store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('generated', ?)",
                         (dumps({"requests": self.n, "seed": self.seed, "at": now_iso()}),))
            store.audit("generate", self.name, {"requests": self.n, "seed": self.seed,
                                                "customers": self.counts["customers"],
                                                "decisions": self.counts["decisions"],
                                                "grants": self.counts["grants"]})
        self.counts["audit"] = audit.head(store.conn)[0]
        store.close()
        self.store = None
        return self.counts

    def _setup_clock(self) -> Callable[[], str]:
        state = [8 * 3600]
        start = self.first_day - 1

        def clock() -> str:
            state[0] = min(state[0] + 7, 86399)
            return self.stamp(start, state[0])
        return clock

    # ── the rules, precomputed ──
    def _load_rules(self) -> None:
        from permittui.store.derive import load_entries

        assert self.store is not None
        conn = self.store.conn
        self.entries = e = load_entries(conn)
        self.codes = list(e)
        self.code_idx = {c: i for i, c in enumerate(self.codes)}
        self.trigger = {c: x.trigger for c, x in e.items()}
        self.window = {c: x.review_window_days for c, x in e.items()}
        self.countersign = {c: x.countersign for c, x in e.items()}
        self.validity = {c: x.validity_days for c, x in e.items()}
        self.category = {c: x.category for c, x in e.items()}
        self.cap = {c: x.allow_list_cap for c, x in e.items() if x.allow_list_cap is not None}
        self.red_regex = _phrase_regex([p for x in e.values() for p in x.red_line_phrases])
        self.entry_regex = {c: _phrase_regex(list(x.red_line_phrases)) for c, x in e.items() if x.red_line_phrases}
        # A phrase can only match a text that contains its longest word: a cheap test first.
        self.red_words = sorted({max(p.lower().split(), key=len) for x in e.values() for p in x.red_line_phrases
                                 if p.split()})
        self.by_metric: dict[str, list] = {}
        for x in e.values():
            if x.threshold is not None and x.threshold.metric != "end_use_category":
                self.by_metric.setdefault(x.threshold.metric, []).append(x)
        reasons = conn.execute("SELECT code, applies_to FROM reasons ORDER BY code").fetchall()
        self.reason_codes = {r[0] for r in reasons}
        deny_any = [r[0] for r in reasons if not json.loads(r[1]) or "deny" in json.loads(r[1])]
        self.reason_options: dict[str, list[tuple[str, list[str]]]] = {}
        for group, options in REASONS.items():
            outcome = group.split("-")[0] if group.startswith(("deny", "approve-release")) else group
            outcome = "approve" if group == "approve-release" else outcome
            opts = []
            for option in options:
                codes = [c for c in option if c in self.reason_codes]
                if not codes and outcome == "deny" and deny_any:
                    codes = [deny_any[0]]
                opts.append((dumps(codes), codes))
            self.reason_options[group] = opts
        self.condition_text = dict(conn.execute("SELECT code, text FROM conditions").fetchall())
        self.schedule_version = self.store.meta("schedule_version")
        self.sv_j = "null" if self.schedule_version is None else _jstr(self.schedule_version)
        self.t_release = len(self.codes) * PROGRAMMES + len(VAGUE_END_USES) + len(RED_LINE_CASES) + 1
        self.access_codes = [c for c in CODE_WEIGHT if c in e]
        self._cum_access = _accumulate(CODE_WEIGHT[c] for c in self.access_codes)
        self.release_metrics = [m for m in RELEASE_METRICS if m in self.by_metric]
        self.core_metrics = [m for m in CORE_METRICS if m in self.by_metric]
        self._eval_tables()
        self._trig_cache: dict[tuple[str, ...], tuple] = {}
        self._ruling_cache: dict[tuple, Any] = {}
        self._condition_options()
        self._entries_json: dict[tuple[str, ...], str] = {}
        self._jcache: dict[str, str] = {}
        self._mid_cache: dict[tuple, tuple[str, str]] = {}
        self._tail_cache: dict[tuple, tuple[str, str]] = {}
        self._esc_cache: dict[str, tuple[str, str]] = {}
        self.officer_j = [_jstr(o) for o in OFFICERS]
        self.notes = {k: [(v, _jstr(v)) for v in vs] for k, vs in NOTES.items()}
        self._text_cache: dict[int, tuple[str, str, bool]] = {}
        self._base_cache: dict[int, tuple[str, bool]] = {}
        self._checkpoint_cache: dict[int, list[tuple[str, bool]]] = {}
        self.plan_red = [self._has_red_word(t) for t in RELEASE_END_USES]
        self.combos = [self._combos(i) for i in range(len(self.codes))]

    def _trig_info(self, trig: tuple[str, ...]) -> tuple:
        """What a set of triggered entries means for the clock and the flags, once per distinct set:
        (window, prohibited, countersign codes, grant codes, capped codes, flag bits, open-age cuts)."""
        info = self._trig_cache.get(trig)
        if info is None:
            windows = [self.window[c] for c in trig if self.window[c] > 0]
            window = min(windows) if windows else 30
            prohibited = tuple(c for c in trig if self.trigger[c] == "prohibited")
            bits = (F.RED_LINE if prohibited else 0) | (F.COUNTERSIGN if any(self.countersign[c] for c in trig) else 0)
            info = self._trig_cache[trig] = (
                window, prohibited, tuple(c for c in trig if self.countersign[c] and self.trigger[c] != "prohibited"),
                [c for c in trig if self.trigger[c] != "prohibited"], [c for c in trig if c in self.cap], bits,
                (window * 0.3, window, window * 1.5, window * 4))
        return info

    def _eval_tables(self) -> None:
        """Release evaluation results, precomputed: for each metric and mode (below, at, above its
        threshold) a few values with the JSON the request stores and the entries each crosses; then
        ready-made halves (the core metrics, the others) that a release combines."""
        rng = random.Random(self.seed ^ 0x5EED)
        items: dict[str, list[list[tuple[str, tuple[str, ...]]]]] = {}
        odd: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for metric in self.release_metrics:
            entries = self.by_metric[metric]
            numeric = [x for x in entries if isinstance(x.threshold.value, (int, float))
                       and not isinstance(x.threshold.value, bool)]
            strict = min(numeric, key=lambda x: float(x.threshold.value)) if numeric else entries[0]
            modes = []
            for mode in ("below", "at", "above"):
                values = []
                for _ in range(10):
                    th = strict.threshold if mode == "below" else rng.choice(entries).threshold
                    values.append(_value_near(rng, th.value, th.operator, th.unit, mode))
                modes.append([self._eval_item(metric, v, None) for v in dict.fromkeys(values)])
            items[metric] = modes
            for m, unit, conv in ODD_UNITS:
                if m == metric:
                    th = strict.threshold
                    values = [conv(_value_near(rng, th.value, th.operator, th.unit, mode))
                              for mode in ("below", "above") for _ in range(4)]
                    odd[metric] = [self._eval_item(metric, v, unit) for v in dict.fromkeys(values)]
        extra = [m for m in self.release_metrics if m not in self.core_metrics]

        def half(metrics: list[str], pick: int, risk: float, odd_unit: bool) -> tuple[str, tuple[str, ...]]:
            chosen = metrics if pick >= len(metrics) else sorted(rng.sample(metrics, pick), key=metrics.index)
            parts, crossed = [], []
            odd_done = not odd_unit
            for metric in chosen:
                if not odd_done and metric in odd:
                    item = rng.choice(odd[metric])
                    odd_done = True
                else:
                    x = rng.random()
                    mode = 2 if x < risk else 1 if x < risk + 0.08 else 0
                    if metric == "autonomous_synthesis_cycle_completed_on_proxy" and rng.random() < 0.99:
                        mode = 0          # a lab completing a synthesis cycle is the rare red line
                    item = rng.choice(items[metric][mode])
                parts.append(item[0])
                crossed.extend(item[1])
            return ",".join(parts), tuple(crossed)

        risks = (0.03, 0.06, 0.12, 0.2)
        self.core_halves = [half(self.core_metrics, len(self.core_metrics), risks[k % 4], k % 12 == 5)
                            for k in range(512)]
        self.extra_halves = [half(extra, rng.randint(3, 6), risks[k % 4], k % 16 == 9) for k in range(2048)]
        # A release's evaluation file: core and other results, the entries they trigger, and the
        # pre-release entries the lab lists itself (all of them, none, or all but one).
        self.release_profiles = []
        for _ in range(4096):
            core, extra_half = rng.choice(self.core_halves), rng.choice(self.extra_halves)
            crossed = tuple(sorted(set(core[1] + extra_half[1])))
            listed = tuple(c for c in crossed if self.entries[c].trigger == "pre_release_review")
            tail = (f"crosses {', '.join(crossed[:4])}{' …' if len(crossed) > 4 else ''}" if crossed
                    else "all reported evaluations below thresholds")
            self.release_profiles.append((
                f"[{core[0]},{extra_half[0]}]" if extra_half[0] else f"[{core[0]}]", crossed,
                (listed, (), listed[:-1] if len(listed) > 1 else listed), tail, self._has_red_word(tail)))

    def _eval_item(self, metric: str, value: Any, unit: str | None) -> tuple[str, tuple[str, ...]]:
        crossed = []
        for x in self.by_metric[metric]:
            t = x.threshold
            if unit is not None and unit != t.unit and (unit, t.unit) not in SAME_UNIT:
                continue        # another unit: the rules note it and do not compare
            if compare(value, t.operator, t.value):
                crossed.append(x.code)
        return dumps({"metric": metric, "value": value, "unit": unit}), tuple(crossed)

    # ── customers and screening ──
    def _customers(self) -> None:
        rng = random.Random(self.seed ^ 0xC057)
        m = max(MIN_CUSTOMERS, int(self.n * CUSTOMERS_PER_REQUEST))
        width = max(5, len(str(m)))
        stems = list(STEMS)
        demo = data_dir() / "demo" / "customers.yaml"
        if demo.is_file():   # the demo's organisations lend the first words of their names
            try:
                import yaml

                for c in (yaml.safe_load(demo.read_text(encoding="utf-8")) or {}).get("customers", []):
                    word = str(c.get("name", "")).split(" ")[0].strip(",.")
                    if word.isalpha() and word[:1].isupper() and len(word) > 3 and word not in stems:
                        stems.append(word)
            except Exception:   # a broken demo file is not ours to report: our own lists suffice
                pass
        lookalikes = self._lookalikes(rng, max(3, m // 400))
        spread = max(1, m - len(PROFILES))
        lookalike_at = {len(PROFILES) + (j * spread) // max(1, len(lookalikes)) for j in range(len(lookalikes))}
        cum_profiles = _accumulate(p[2] for p in PROFILES)
        cum_countries = _accumulate(c[1] for c in COUNTRIES)
        names: set[str] = set()
        rows = []
        self.cust_ids: list[str] = []
        self.cust_tags: list[frozenset[str]] = []
        self.cust_vetting: list[str] = []
        self.cust_name: list[str] = []
        for i in range(m):
            # Every profile at least once (small databases too), then by weight.
            if i < len(PROFILES):
                profile = PROFILES[i]
            else:
                profile = PROFILES[bisect_left(cum_profiles, rng.random() * cum_profiles[-1])]
            sector, tags, _, style, words = profile
            country, _, forms = COUNTRIES[bisect_left(cum_countries, rng.random() * cum_countries[-1])]
            if i in lookalike_at and lookalikes:
                name, country = lookalikes.pop()
            else:
                name = self._company_name(rng, style, words, forms, stems)
                for _attempt in range(20):
                    if name not in names:
                        break
                    name = self._company_name(rng, style, words, forms, stems)
                else:
                    name = f"{name} ({country})"
            names.add(name)
            aliases: list[str] = []
            r = rng.random()
            if r < 0.15:
                initials = "".join(w[0] for w in name.split() if w[:1].isupper())
                if len(initials) >= 2:
                    aliases.append(initials)
            elif r < 0.22:
                aliases.append(f"{rng.choice(stems)} {words[0] if words else 'Research'} (former name)")
            v = rng.random()
            vetting = "vetted" if v < 0.80 else "provisional" if v < 0.95 else "suspended"
            rows.append(tuple(customer_row(Customer(f"CUST-{i + 1:0{width}d}", name, tuple(aliases), country,
                                                    sector, vetting)).values()))
            self.cust_ids.append(rows[-1][0])
            self.cust_tags.append(tags)
            self.cust_vetting.append(vetting)
            self.cust_name.append(name)
        with self.backdated.write() as conn:
            conn.executemany("INSERT INTO customers (id, name, aliases, country, sector, vetting, name_key)"
                             " VALUES (?,?,?,?,?,?,?)", rows)
            self.backdated.audit("import.customers", "customers.generated",
                                 {"file": "customers.generated", "added": m, "changed": 0})
        self.counts["customers"] = m
        self.cust_index = {cid: i for i, cid in enumerate(self.cust_ids)}
        self.pools = {code: [i for i, t in enumerate(self.cust_tags) if t & fit] or list(range(m))
                      for code, fit in CODE_FIT.items()}
        self.labs = [i for i, t in enumerate(self.cust_tags) if "lab" in t] or [0]
        self.by_tag: dict[str, list[int]] = {}
        for i, t in enumerate(self.cust_tags):
            for tag in sorted(t):
                self.by_tag.setdefault(tag, []).append(i)

    def _company_name(self, rng: random.Random, style: str, words: tuple[str, ...], forms: tuple[str, ...],
                      stems: list[str]) -> str:
        if style == "university":
            place = rng.choice(PLACES)
            return rng.choice((f"University of {place}", f"{place} Institute of Technology",
                               f"Technische Universität {place}", f"University of {place} – Centre for Secure Systems"))
        if style == "agency":
            return f"{rng.choice(PLACES)} {rng.choice(words)}"
        if style == "institute":
            return f"{rng.choice(stems)} {rng.choice(words)}"
        return f"{rng.choice(stems)} {rng.choice(words)} {rng.choice(forms)}"

    def _screening_file(self) -> Path | None:
        path = data_dir() / "demo" / "screening.csv"
        return path if path.is_file() else None

    def _lookalikes(self, rng: random.Random, k: int) -> list[tuple[str, str]]:
        """Names resembling entries of the shipped screening list, so that screening has hits."""
        path = self._screening_file()
        if path is None:
            return []
        try:
            from permittui.formats import csl

            parties = [p for p in csl.read_list(path) if p.type.lower() in ("entity", "")]
        except Exception:
            return []
        out = []
        for p in rng.sample(parties, min(k, len(parties))):
            name = p.name.title() if p.name.isupper() else p.name
            name = name.replace("Co., Ltd.", "Company Limited").replace("Ltd.", "Limited").replace(" Inc.", ", Inc")
            country = p.countries[0] if p.countries and re.fullmatch(r"[A-Z]{2}", p.countries[0]) else "US"
            out.append((name, country))
        return out

    def _screening(self) -> None:
        assert self.store is not None
        conn = self.store.conn
        path = self._screening_file()
        if path is not None:
            from permittui.store.imports import import_screening

            import_screening(self.backdated, path)
        # By the time the history starts, officers have worked through some of the hits.
        rng = random.Random(self.seed ^ 0x5C4EE)
        hits = conn.execute("SELECT id, customer_id, entry_id FROM screening_hits ORDER BY id").fetchall()
        with self.backdated.write():
            for hit_id, customer, entry in hits:
                r = rng.random()
                outcome = "cleared" if r < 0.5 else "confirmed" if r < 0.65 else "escalated" if r < 0.75 else None
                if outcome is None:
                    continue
                reason = {"cleared": "false positive: different registration number, address and directors",
                          "confirmed": "same registration number as the listed entity",
                          "escalated": "partial match on directors; asked the sanctions unit"}[outcome]
                at, who = self.backdated._clock(), rng.choice(OFFICERS)
                conn.execute("UPDATE screening_hits SET disposition = ?, reason = ?, officer = ?, at = ? WHERE id = ?",
                             (outcome, reason, who, at, hit_id))
                audit.append(conn, at, who, self.os_account, f"screening.{outcome}", customer,
                             {"hit": hit_id, "entry": entry, "from": "open", "reason": reason})
        m = len(self.cust_ids)
        self.cust_screen_open = [0] * m         # open + escalated: approvals wait for a countersign
        self.cust_screen_confirmed = [0] * m    # confirmed: approvals are refused
        for cid, disposition, count in conn.execute(
                "SELECT customer_id, disposition, COUNT(*) FROM screening_hits GROUP BY customer_id, disposition"):
            i = self.cust_index[cid]
            if disposition in ("open", "escalated"):
                self.cust_screen_open[i] += count
            elif disposition == "confirmed":
                self.cust_screen_confirmed[i] += count
        # What the rules ask of a customer, as bits: 1 suspended, 2 screening hit open, 4 confirmed.
        self.cust_state = [(1 if self.cust_vetting[i] == "suspended" else 0) | (2 if self.cust_screen_open[i] else 0)
                           | (4 if self.cust_screen_confirmed[i] else 0) for i in range(m)]
        self.cust_bits = [(F.SCREENING if self.cust_screen_open[i] or self.cust_screen_confirmed[i] else 0)
                          | (F.SUSPENDED_CUSTOMER if self.cust_vetting[i] == "suspended" else 0) for i in range(m)]

    # ── the allow-lists (in memory, written at the end) ──
    def _legacy_grants(self) -> None:
        """The allow-list as it stood when the period began (imported; no decision behind them)."""
        # The allow-list in memory, one slot per grant id (0 unused), as compact columns: customer,
        # entry (index), text key, granted and expires (day ordinals), conditions JSON, decision (0: none).
        self.g_cust, self.g_code, self.g_tkey = array("i", [0]), array("b", [0]), array("i", [0])
        self.g_granted, self.g_expires, self.g_decision = array("i", [0]), array("i", [0]), array("q", [0])
        self.g_conds: list[str] = [""]
        self.grant_ops: list[tuple] = []          # for the writer: (id, ...) new, (id, expires, ...) extended
        self.grant_by_key: dict[int, int] = {}     # (customer, entry, text key) packed -> grant id
        self.expiring: dict[int, list[int]] = {}   # expiry week -> renewable grant ids (stale ones skipped)
        self.renewing: dict[int, int] = {}         # grant id -> day until which a renewal is pending
        # Cap usage as planned: per capped entry, holder -> held until; a heap drops lapsed holders.
        self.holders: dict[str, dict[int, int]] = {c: {} for c in self.cap}
        self.holder_heap: dict[str, list[tuple[int, int]]] = {c: [] for c in self.cap}
        rng = random.Random(self.seed ^ 0x6A47)
        added = 0
        for ci in range(len(self.cust_ids)):
            if self.cust_vetting[ci] == "suspended" or rng.random() < 0.35:
                continue
            fits = [c for c in self.access_codes if self.cust_tags[ci] & CODE_FIT[c]]
            for code in rng.sample(fits, min(len(fits), rng.choice((1, 1, 2)))):
                if code in self.cap and len(self.holders[code]) >= self.cap[code] * 0.6:
                    continue
                validity = self.validity[code]
                expires = self.first_day + rng.randint(-30, validity - 20)
                tkey = self.code_idx[code] * PROGRAMMES + rng.randrange(PROGRAMMES)
                self._new_grant(ci, code, tkey, expires - validity, expires, self._conditions([code], "access", rng)[0],
                                None)
                if code in self.holders:
                    self._hold(code, ci, expires)
                added += 1
        self.backdated.audit("import.grants", "allow-list.generated", {"file": "allow-list.generated", "added": added})

    def _new_grant(self, ci: int, code: str, tkey: int, granted: int, expires: int, conds: str,
                   decision: int | None) -> int:
        gid = len(self.g_cust)
        self.g_cust.append(ci)
        self.g_code.append(self.code_idx[code])
        self.g_tkey.append(tkey)
        self.g_granted.append(granted)
        self.g_expires.append(expires)
        self.g_decision.append(decision or 0)
        self.g_conds.append(conds)
        self.grant_ops.append((gid, ci, code, tkey, granted, expires, conds, decision))
        self.grant_by_key[(ci * 64 + self.code_idx[code]) * 65536 + tkey] = gid
        if self.trigger[code] == "licence_required":        # a licence is renewed; a clearance is not
            self.expiring.setdefault(expires // 7, []).append(gid)
        return gid

    def _hold(self, code: str, ci: int, until: int) -> None:
        held = self.holders[code]
        if until > held.get(ci, -1):
            held[ci] = until
            heapq.heappush(self.holder_heap[code], (until, ci))

    def _cap_full(self, code: str, day: int) -> bool:
        """Is the allow-list of a capped entry full on `day`, counting approvals already planned?"""
        held, heap = self.holders[code], self.holder_heap[code]
        while heap and heap[0][0] < day:
            until, ci = heapq.heappop(heap)
            if held.get(ci) == until:
                del held[ci]
        return len(held) >= self.cap[code]

    def _apply_grants(self, grant: tuple, decision_id: int, day: int, changes: list[tuple]) -> str:
        """What decisions._write_grants does to the allow-list, on the in-memory table; returns the
        canonical JSON of the `grants` list that the decision's audit row carries."""
        ci, codes, tkey, conds = grant
        out = []
        for code in codes:
            validity = self.validity[code]
            gid = self.grant_by_key.get((ci * 64 + self.code_idx[code]) * 65536 + tkey)
            if gid is None:
                expires = day + validity
                gid = self._new_grant(ci, code, tkey, day, expires, conds, decision_id)
                changes.append((decision_id, gid, None))
                extended = "false"
            else:
                old = self.g_expires[gid]
                before = self.g_decision[gid]
                # The grant row before, as decisions._write_grants records it (dumps of the row, in order).
                changes.append((decision_id, gid, (
                    f'{{"id":{gid},"customer_id":{_jstr(self.cust_ids[ci])},"code":{_jstr(code)},'
                    f'"end_use":{_jstr(self._end_use(ci, tkey)[1])},"conditions":{_jstr(self.g_conds[gid])},'
                    f'"granted":"{self.day(self.g_granted[gid])}","expires":"{self.day(old)}","status":"active",'
                    f'"decision_id":{before or "null"},"status_reason":""}}')))
                expires = (day if day > old else old) + validity
                self.g_expires[gid], self.g_conds[gid], self.g_decision[gid] = expires, conds, decision_id
                self.grant_ops.append((gid, expires, conds, decision_id))
                if self.trigger[code] == "licence_required":
                    self.expiring.setdefault(expires // 7, []).append(gid)
                extended = "true"
            out.append(f'{{"code":"{code}","expires":"{self.day(expires)}","extended":{extended},"grant":{gid}}}')
        return "[" + ",".join(out) + "]"

    def _fix_flags(self) -> None:
        """The flags that depend on the allow-lists as they end up: cap reached (predicted while
        planning, corrected here) and, for renewals, a lapsed grant on the entry."""
        assert self.side is not None
        self.counts["grants"] = len(self.g_cust) - 1
        users: dict[str, set[int]] = {c: set() for c in self.cap}
        expired: set[int] = set()
        for gid in range(1, len(self.g_cust)):
            ci, code = self.g_cust[gid], self.codes[self.g_code[gid]]
            if self.g_expires[gid] < self.today_ord:
                expired.add(ci * 64 + self.g_code[gid])
            elif code in users:
                users[code].add(ci)
        full = {c for c in self.cap if len(users[c]) >= self.cap[c]}
        turn_on, turn_off = [], []
        for rowid, mask, predicted in zip(self.cap_rows, self.cap_masks, self.cap_predicted):
            final = any(mask >> b & 1 and code in full for b, code in enumerate(self.capped_codes))
            if final != bool(predicted):
                (turn_on if final else turn_off).append((rowid,))
        db = self.side.db
        if db.execute("SELECT max(rowid) FROM requests").fetchone()[0] != self.n:
            raise RuntimeError("requests were not written in order; their flags can't be fixed by rowid")
        db.executemany(f"UPDATE requests SET flags = flags | {F.CAP} WHERE rowid = ?", turn_on)
        db.executemany(f"UPDATE requests SET flags = flags & ~{F.CAP} WHERE rowid = ?", turn_off)
        lapsed = [(rowid,) for rowid, pair in zip(self.renewal_rows, self.renewal_pairs) if pair in expired]
        db.executemany(f"UPDATE requests SET flags = flags | {F.EXPIRED_GRANT} WHERE rowid = ?", lapsed)

    # ── texts ──
    def _access_text(self, code_i: int, combo: int) -> tuple[str, str, bool]:
        """(summary, end use, touches a red line) of point `combo` of an entry's mixed-radix space of
        purposes x scopes x numbers x safeguards; computed once per point."""
        key = code_i << 20 | combo
        hit = self._text_cache.get(key)
        if hit is None:
            code = self.codes[code_i]
            purposes = PURPOSES.get(code) or [(f"Access to {code}", f"Use of the capability under {code}.")]
            x, p = divmod(combo, len(purposes))
            x, sc = divmod(x, len(SCOPES))
            x, nu = divmod(x, len(NUMBERS))
            summary, text = purposes[p]
            text = f"{text} {SCOPES[sc].format(n=NUMBERS[nu])} {SAFEGUARDS[x % len(SAFEGUARDS)]}"
            hit = self._text_cache[key] = (summary, text, bool(self._red_codes(f"{text}\n{summary}".lower())))
        return hit

    def _combos(self, code_i: int) -> int:
        purposes = PURPOSES.get(self.codes[code_i]) or [None]
        return len(purposes) * len(SCOPES) * len(NUMBERS) * len(SAFEGUARDS)

    def _end_use(self, ci: int, tkey: int) -> tuple[str, str]:
        """(summary, end use) for a text key: an access programme, a vague text, a red line, or a release.
        Programme p of a customer on an entry is point (offset + p) of the entry's text space, the offset
        fixed per customer and entry: two programmes never share a text (grants are unique on it)."""
        ncodes = len(self.codes)
        if tkey < ncodes * PROGRAMMES:
            code_i, prog = divmod(tkey, PROGRAMMES)
            summary, text, _ = self._access_text(code_i, (_mix(self.seed, ci, code_i) + prog) % self.combos[code_i])
            return summary, text
        k = tkey - ncodes * PROGRAMMES
        if k < len(VAGUE_END_USES):
            return "End use not stated", VAGUE_END_USES[k]
        k -= len(VAGUE_END_USES)
        if k < len(RED_LINE_CASES):
            return RED_LINE_CASES[k][2], RED_LINE_CASES[k][3]
        k -= len(RED_LINE_CASES)
        if k == 0:
            return REDLINE_FALSE_POSITIVE
        # A release: the model (month of the period, variant, checkpoint) and the release plan: one
        # clearance per model and plan.
        model, plan = divmod(k - 1, len(RELEASE_END_USES))
        model, checkpoint = divmod(model, len(CHECKPOINTS))
        month, variant = divmod(model, len(MODEL_VARIANTS))
        base = self._model_base(ci, month, variant)
        return base, f"{base} ({self._checkpoints(month)[checkpoint][0]}): {RELEASE_END_USES[plan]}"

    def _has_red_word(self, text: str) -> bool:
        """Could the text hold a red-line phrase? (It must then hold the phrase's longest word; and
        since these words have no spaces or colons, one can't straddle two parts joined by those.)"""
        text = text.lower()
        return any(w in text for w in self.red_words)

    def _release_base(self, ci: int, month: int, variant: int) -> tuple[str, bool]:
        key = (ci * 64 + month) * 8 + variant
        hit = self._base_cache.get(key)
        if hit is None:
            base = self._model_base(ci, month, variant)
            hit = self._base_cache[key] = (base, self._has_red_word(base))
        return hit

    def _checkpoints(self, month: int) -> list[tuple[str, bool]]:
        """The checkpoint names of a month of the period, each with: has it a red-line word?"""
        hit = self._checkpoint_cache.get(month)
        if hit is None:
            ym = self.day(self.first_day + month * 30)[:7]
            names = [c.format(ym=ym) for c in CHECKPOINTS]
            hit = self._checkpoint_cache[month] = [(name, self._has_red_word(name)) for name in names]
        return hit

    def _red_codes(self, text: str) -> list[str]:
        """Entries whose red-line phrases the (lower-cased) text contains, as classify.red_lines finds them."""
        if self.red_regex is None or not any(w in text for w in self.red_words) or not self.red_regex.search(text):
            return []
        return [c for c, rx in self.entry_regex.items() if rx is not None and rx.search(text)]

    def _model_base(self, ci: int, month: int, variant: int) -> str:
        """Labs ship a new minor version every month or so and a new generation twice a year."""
        stem = self.cust_name[ci].split(" ")[0].strip(",.")
        return f"{stem}-{2 + month // 6}.{month % 6}{MODEL_VARIANTS[variant]}"

    def _condition_options(self) -> None:
        """The canned conditions an approval with conditions sets, per category: one or two of the
        category's usual ones, sometimes one more; precomputed as (JSON, texts)."""
        def option(codes: list[str]) -> tuple[str, list[str]]:
            conds = [{"code": c, "text": self.condition_text[c]} for c in dict.fromkeys(codes)
                     if c in self.condition_text]
            conds = conds or [{"code": None, "text": "As agreed with the authority."}]
            return dumps(conds), [c["text"] for c in conds]

        extras = ["NO-ONWARD-TRANSFER", "END-USE-CERT-ANNUAL", "QUARTERLY-REPORTING"]
        self.condition_options: dict[str, list[tuple[str, list[str]]]] = {}
        for category, usual in CONDITIONS_BY_CATEGORY.items():
            opts = []
            for r in range(len(usual)):
                for k in (1, 1, 2):
                    chosen = [usual[(r + i) % len(usual)] for i in range(k)]
                    opts.append(option(chosen))
                    opts += [option(chosen + [e]) for e in extras[:1 + r % 2]] if k == 2 else []
            self.condition_options[category] = opts
        self.condition_options["release"] = [option(RELEASE_CONDITIONS[:1]), option(RELEASE_CONDITIONS[:2]),
                                             option(RELEASE_CONDITIONS[2:]), option(RELEASE_CONDITIONS[:2])]
        self.condition_options[""] = [option(["NAMED-USERS-ONLY"])]

    def _conditions(self, codes: list[str], kind: str, rng: random.Random) -> tuple[str, list[str]]:
        opts = self.condition_options.get("release" if kind == "release" else
                                          self.category.get(codes[0], "") if codes else "") or self.condition_options[""]
        return opts[int(rng.random() * len(opts))]

    def _j(self, text: str) -> str:
        """JSON string of a text that recurs (reasons and conditions lists, inspectors)."""
        j = self._jcache.get(text)
        if j is None:
            j = self._jcache[text] = _jstr(text)
        return j

    # ── requests ──
    def _requests(self) -> None:
        assert self.sink is not None
        rng, n, sink = self.rng, self.n, self.sink
        self.buckets: list[list[tuple] | None] = [None] * (SPAN_DAYS + 2)
        self.tie = itertools.count()
        self.next_decision = 1
        self.rows_planned = 0
        self.open_count = 0
        self.renewal_rows, self.renewal_pairs = array("q"), array("q")
        self.capped_codes = sorted(self.cap)
        self.cap_rows, self.cap_masks, self.cap_predicted = array("q"), array("q"), array("b")
        assert self.side is not None
        self.req_rows: list[tuple] = []
        self.entry_rows = sink.rows("request_entries", ENTRY_SQL)
        self.change_rows = sink.rows("grant_changes", CHANGE_SQL)
        width = max(5, len(str(n)))
        flushed_to = self.first_day - 1
        self.progress.start = time.monotonic()     # the rate counts requests, not the setup before them
        for i in range(n):
            day = self.first_day + (i * SPAN_DAYS) // n
            if day > flushed_to + 1:
                for d in range(flushed_to + 1, day):
                    self._flush_day(d)
                flushed_to = day - 1
            self._request(f"REQ-{self._days[day - self.base_ord][:4]}-{i + 1:0{width}d}", day, rng)
            if i & 1023 == 1023:
                self._flush_side()
                if sink.pending() >= sink.FLUSH_ROWS:
                    sink.flush()
                self.progress.update(i + 1)
        for d in range(flushed_to + 1, self.last_day + 1):
            self._flush_day(d)
        self._flush_side()
        sink.flush()
        self.counts["open"] = self.open_count
        self.progress.update(n, force=True)

    def _flush_side(self) -> None:
        assert self.side is not None
        if self.req_rows:
            self.side.db.executemany(REQ_SQL, self.req_rows)
            self.req_rows.clear()

    def _pick_renewal(self, day: int, rng: random.Random) -> int | None:
        """A grant expiring soon (or lately lapsed) whose holder has not yet applied to renew it."""
        for _ in range(12):
            gids = self.expiring.get((day - 45 + int(rng.random() * 166)) // 7)
            if gids:
                gid = gids[int(rng.random() * len(gids))]
                exp = self.g_expires[gid]
                if exp - 120 <= day <= exp + 45 and self.renewing.get(gid, -1) < day:
                    self.renewing[gid] = day + 120          # one renewal application per grant and term
                    return gid
        return None

    def _request(self, rid: str, day: int, rng: random.Random) -> None:
        """One request: its content, what the rules make of it, its decisions (planned into the day
        buckets) and its row as of today."""
        random_ = rng.random
        ncodes = len(self.codes)
        r = random_()
        kind = "access" if r < 0.5 else "release" if r < 0.8 else "renewal"     # some renewals find no grant due
        model = None
        evaluations = "[]"
        red_text = None                 # None: not known yet
        gid = self._pick_renewal(day, rng) if kind == "renewal" else None
        if kind == "renewal" and gid is None:
            kind = "access"
        if gid is not None:
            ci, code, tkey = self.g_cust[gid], self.codes[self.g_code[gid]], self.g_tkey[gid]
            exp = self.g_expires[gid]
            self.renewal_rows.append(self.rows_planned + 1)      # its rowid: requests go in in order
            self.renewal_pairs.append(ci * 64 + self.code_idx[code])
            entries: tuple[str, ...] = (code,)
            end_use = self._end_use(ci, tkey)[1]
            summary = f"Renewal of {code} grant ({'lapsed' if exp < day else 'expires'} {self.day(exp)})"
        elif kind == "release":
            ci = self.labs[int(random_() * len(self.labs))]
            month = (day - self.first_day) // 30
            variant, plan = int(random_() * len(MODEL_VARIANTS)), int(random_() * len(RELEASE_END_USES))
            checkpoint = int(random_() * len(CHECKPOINTS))
            tkey = self.t_release + plan + len(RELEASE_END_USES) * (
                checkpoint + len(CHECKPOINTS) * (month * len(MODEL_VARIANTS) + variant))
            base, base_red = self._release_base(ci, month, variant)
            checkpoint_name, checkpoint_red = self._checkpoints(month)[checkpoint]
            model = f"{base} ({checkpoint_name})"
            end_use = f"{model}: {RELEASE_END_USES[plan]}"
            evaluations, trig, listed, tail, tail_red = self.release_profiles[int(random_() * 4096)]
            x = random_()      # the lab lists the pre-release entries it thinks it crosses: usually right
            entries = listed[0 if x >= 0.35 else 1 if x < 0.15 else 2]
            summary = f"{base}: {tail}"
            if not (base_red or checkpoint_red or tail_red or self.plan_red[plan]):
                red_text = False       # no part of the texts has a red-line word in it
        else:
            r = random_()
            if r < 0.004:
                k = int(random_() * len(RED_LINE_CASES))
                code, tags, summary, end_use = RED_LINE_CASES[k]
                pool = [c for t in sorted(tags) for c in self.by_tag.get(t, ())] or [0]
                ci = pool[int(random_() * len(pool))]
                entries = (code,) if code in self.entries else (self.access_codes[0],)
                tkey = ncodes * PROGRAMMES + len(VAGUE_END_USES) + k
            else:
                code = self.access_codes[bisect_left(self._cum_access, random_() * self._cum_access[-1])]
                pool = self.pools[code]
                ci = pool[int(random_() * len(pool))]
                second = SECONDARY.get(code)
                entries = (code, second) if second in self.entries and random_() < 0.2 else (code,)
                if r < 0.044:
                    k = int(random_() * len(VAGUE_END_USES))
                    tkey = ncodes * PROGRAMMES + k
                    summary, end_use = "End use not stated", VAGUE_END_USES[k]
                elif r < 0.047 and code == "AI.S.1.a":
                    tkey = self.t_release - 1
                    summary, end_use = REDLINE_FALSE_POSITIVE
                else:
                    # A new programme, mostly: customers seldom apply again for what they still hold.
                    code_i = self.code_idx[code]
                    offset = _mix(self.seed, ci, code_i)
                    key = (ci * 64 + code_i) * 65536 + code_i * PROGRAMMES
                    for _ in range(4):
                        prog = int(random_() * PROGRAMMES)
                        held = self.grant_by_key.get(key + prog)
                        if held is None or self.g_expires[held] < day + 60:
                            break
                    tkey = code_i * PROGRAMMES + prog
                    summary, end_use, red_text = self._access_text(code_i, (offset + prog) % self.combos[code_i])

        # What the rules make of it: queue_state on precomputed tables.
        if kind != "release":
            trig = entries if len(entries) < 2 else tuple(sorted(set(entries)))
        window, red, cs_codes, grant_codes, capped, bits, cuts = self._trig_info(trig)
        if red_text is None or red_text:
            extra_red = self._red_codes(f"{end_use}\n{summary}".lower())
            if extra_red:
                red = tuple(sorted(set(red).union(extra_red)))
                bits |= F.RED_LINE
        bits |= self.cust_bits[ci]
        caps = []
        if capped:
            mask = 0
            predicted = 0
            for c in capped:
                mask |= 1 << self.capped_codes.index(c)
                if self._cap_full(c, day):
                    predicted = 1
                    if self.holders[c].get(ci, -1) < day:
                        caps.append(c)           # full, and the customer does not hold it
            self.cap_rows.append(self.rows_planned + 1)
            self.cap_masks.append(mask)
            self.cap_predicted.append(predicted)
            if predicted:
                bits |= F.CAP
        reg = day + 1 if day < self.last_day and random_() < 0.08 else day
        if red:
            priority = 3                 # urgent
        else:
            x = random_()
            priority = 0 if x < 0.14 else 1 if x < 0.76 else 2 if x < 0.95 else 3

        status, version, paused_since, paused, assignee, upd_day, upd_secs = self._decide(
            rid, kind, ci, red, cs_codes, grant_codes, tuple(caps), reg, window, cuts, tkey, rng,
            summary == "End use not stated")
        if status in OPEN_STATUSES:
            self.open_count += 1
            if assignee is None and random_() < 0.7:
                assignee = OFFICERS[int(random_() * len(OFFICERS))]
        entries_j = self._entries_json.get(entries)
        if entries_j is None:
            entries_j = self._entries_json[entries] = dumps(list(entries))
        days, base = self._days, self.base_ord
        self.req_rows.append((rid, kind, self.cust_ids[ci], entries_j, end_use, model, evaluations, summary,
                              days[day - base], days[reg - base], status, assignee, priority, version,
                              days[reg + window + paused - base], bits,
                              None if paused_since is None else days[paused_since - base], paused,
                              days[upd_day - base] + self._times[upd_secs]))
        for c in entries:
            self.entry_rows.append((rid, c))
        self.rows_planned += 1

    # ── decisions ──
    def _rule(self, kind: str, status: str, red: tuple[str, ...], cs_codes: tuple[str, ...], caps: tuple[str, ...],
              ci: int, outcome: str, reasons: bool, conds: bool, override: bool, inspector: bool) -> Any:
        """lifecycle.rule, once per distinct situation (its answer depends on nothing else):
        (status after, needs countersign, why_countersign as JSON, override) or False if refused."""
        key = (kind, status, red, cs_codes, caps, self.cust_state[ci], outcome, reasons, conds, override, inspector)
        ruling = self._ruling_cache.get(key)
        if ruling is None:
            facts = lifecycle.Facts("REQ", kind, status, red_line_codes=list(red), countersign_codes=list(cs_codes),
                                    caps_reached=list(caps), customer_suspended=self.cust_vetting[ci] == "suspended",
                                    screening_open=self.cust_screen_open[ci],
                                    screening_confirmed=self.cust_screen_confirmed[ci])
            try:
                r = lifecycle.rule(facts, outcome, reasons=["R"] if reasons else [], conditions=["C"] if conds else [],
                                   override=override, inspector="I" if inspector else None)
                ruling = (r.status_after, r.needs_countersign, "[" + ",".join(map(_jstr, r.why_countersign)) + "]",
                          int(r.override))
            except (Refused, BadInput):
                ruling = False
            self._ruling_cache[key] = ruling
        return ruling

    def _decide(self, rid: str, kind: str, ci: int, red: tuple[str, ...], cs_codes: tuple[str, ...],
                grant_codes: list[str], caps: tuple[str, ...], reg: int, window: int, cuts: tuple, tkey: int,
                rng: random.Random, vague: bool) -> tuple[str, int, int | None, int, str | None, int, int]:
        """Plan this request's decisions into the day buckets; return its state as of today:
        (status, version, paused_since, paused_days, assignee, day and second of the last change)."""
        random_ = rng.random
        buckets, first, tie = self.buckets, self.first_day, self.tie
        reg_secs = 25200 + int(random_() * 17880)                     # registered in the morning, 7:00-11:58
        bucket = buckets[reg - first]
        if bucket is None:
            bucket = buckets[reg - first] = []
        bucket.append((reg_secs, next(tie), (_REG, rid)))
        age = self.last_day - reg
        # Still open? Likely when young, seldom once the window is long past.
        p_open = (0.9 if age < cuts[0] else 0.35 if age < cuts[1] else 0.1 if age < cuts[2]
                  else 0.01 if age < cuts[3] else 0.001)
        target = OPEN_TARGETS[int(random_() * 10)] if random_() < p_open else None   # None: decided
        # The outcome the officer reaches.
        override = False
        group = None
        x = random_()
        state = self.cust_state[ci]
        if red:
            outcome = "deny"
        elif state & 4:                  # a confirmed restricted party
            outcome, group = "deny", "deny-listed"
        elif state & 1:                  # suspended
            outcome, group = ("deny", "deny-party") if x < 0.85 else ("return", None)
        elif vague:
            outcome = "return" if x < 0.6 else "deny"
        elif caps:
            outcome, group = ("deny", "deny-cap") if x < 0.8 else ("return", None) if x < 0.95 else ("approve", None)
            override = outcome == "approve"
        else:
            cut = OUTCOME_CUTS[kind]
            outcome = ("approve" if x < cut[0] else "approve-with-conditions" if x < cut[1]
                       else "deny" if x < cut[2] else "return")
        if kind == "release" and group is None and not vague and (outcome == "approve" or outcome == "deny"):
            group = outcome + "-release"
        # An earlier step: a request for information, or a referral to an inspector.
        pre = None
        if target is None:
            if not red:
                x = random_()
                p_info, p_refer = PRE_STEP[kind]
                if vague:
                    p_info = 0.6
                if x < p_info:
                    pre = "request-info"
                elif x < p_info + p_refer:
                    pre = "refer"
        elif target == "info_requested" or target == "referred":
            if red:
                target = "pending"
            else:
                pre = "request-info" if target == "info_requested" else "refer"
        officer = int(random_() * 12)
        # When: the decision mostly within the window (triangular, peak near the middle), sometimes
        # late; never after yesterday.
        if random_() < 0.07:
            lag = window + 1 + int(random_() * (window * 0.4 + 2))
        else:
            u = random_()
            lag = int(1 + (window * 1.05 - 1) * (sqrt(u * 0.4) if u < 0.4 else 1 - sqrt((1 - u) * 0.6)))
        if target is None:
            final_day = reg + (lag if lag < age else age)
            pre_day = reg + int(random_() * (final_day - reg)) if pre and final_day > reg else None
            if pre_day is None:
                pre = None
        else:
            pre_day = reg + int(random_() * (age + 1)) if pre else None
            final_day = reg + int(random_() * (age + 1))                # for awaiting_countersign
        status, version, paused_since, paused = "pending", 1, None, 0
        upd_day, upd_secs = reg, reg_secs
        assignee = None
        if pre is not None:
            inspector = INSPECTORS[int(random_() * len(INSPECTORS))] if pre == "refer" else None
            options = self.reason_options[pre]
            reasons_j, reasons = options[int(random_() * len(options))]
            ruling = self._rule(kind, status, red, cs_codes, caps, ci, pre, bool(reasons), False, False,
                                inspector is not None)
            secs = 43200 + int(random_() * 18000)
            notes = self.notes[pre]
            bucket = buckets[pre_day - first]
            if bucket is None:
                bucket = buckets[pre_day - first] = []
            bucket.append((secs, next(tie), (
                _DEC, rid, pre, reasons_j, "[]", notes[int(random_() * len(notes))], officer, status, ruling[0],
                version, inspector, self._days[pre_day + 30 - self.base_ord] if pre == "refer" else None, 0,
                ruling[2], None, None)))
            version += 1
            status = ruling[0]
            upd_day, upd_secs = pre_day, secs
            assignee = OFFICERS[officer]
            if status == "info_requested":
                paused_since = pre_day
            if target is not None:
                return status, version, paused_since, paused, assignee, upd_day, upd_secs
        if target is not None and target != "awaiting_countersign":
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        # The decision itself.
        conds_j, has_conds = "[]", False
        if outcome == "approve-with-conditions":
            conds_j = self._conditions(grant_codes, kind, rng)[0]
            has_conds = True
        if red:
            reasons = sorted({RED_LINE_REASON[self.category[c]] for c in red if self.category[c] in RED_LINE_REASON}
                             & self.reason_codes)
            if reasons:
                reasons_j = dumps(reasons)
            else:
                reasons_j, reasons = self.reason_options["deny"][0]
        else:
            options = self.reason_options.get(group or outcome) or self.reason_options["deny"]
            reasons_j, reasons = options[int(random_() * len(options))]
        ruling = self._rule(kind, status, red, cs_codes, caps, ci, outcome, bool(reasons), has_conds, override, False)
        if ruling is False:        # the plan broke a rule: the officer refuses instead
            outcome, conds_j, has_conds = "deny", "[]", False
            reasons_j, reasons = self.reason_options["deny"][int(random_() * len(self.reason_options["deny"]))]
            ruling = self._rule(kind, status, red, cs_codes, caps, ci, outcome, bool(reasons), False, False, False)
        after, needs_cs, why_j, overridden = ruling
        if target == "awaiting_countersign" and not needs_cs:
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        grant = (ci, grant_codes, tkey, conds_j) if grant_codes and outcome in lifecycle.APPROVALS else None
        secs = 43200 + int(random_() * 18000)
        if paused_since is not None:                                  # leaving info_requested ends the pause
            if final_day <= paused_since:
                final_day = paused_since + 1
                if final_day > self.last_day:
                    return status, version, paused_since, paused, assignee, upd_day, upd_secs
            paused += final_day - paused_since
            paused_since = None
        link = [None] if needs_cs else None
        notes = self.notes[outcome]
        bucket = buckets[final_day - first]
        if bucket is None:
            bucket = buckets[final_day - first] = []
        bucket.append((secs, next(tie), (
            _DEC, rid, outcome, reasons_j, conds_j, notes[int(random_() * len(notes))], officer, status, after,
            version, None, None, overridden, why_j, None if needs_cs else grant, link)))
        version += 1
        status = after
        upd_day, upd_secs = final_day, secs
        assignee = OFFICERS[officer]
        if grant is not None:
            for c in grant_codes:
                if c in self.holders:
                    self._hold(c, ci, final_day + self.validity[c])
        if not needs_cs or target == "awaiting_countersign":
            return status, version, paused_since, paused, assignee, upd_day, upd_secs
        # The countersign by a second officer, the same day or a few days later.
        cs_day = min(final_day + int(random_() * 4), self.last_day)
        if cs_day == final_day:
            cs_secs = min(secs + 600 + int(random_() * 3000), 86399)
        else:
            cs_secs = 32400 + int(random_() * 28800)
        second = (officer + 1 + int(random_() * 11)) % 12
        notes = self.notes["countersign"]
        final = lifecycle.OUTCOME_STATUS[outcome]
        bucket = buckets[cs_day - first]
        if bucket is None:
            bucket = buckets[cs_day - first] = []
        bucket.append((cs_secs, next(tie), (
            _CS, rid, "countersign", "[]", "[]", notes[int(random_() * len(notes))], second, status, final, version,
            None, None, 0, "[]", grant, link)))
        return final, version + 1, None, paused, OFFICERS[officer], cs_day, cs_secs

    # ── writing a day, in time order ──
    def _flush_day(self, day: int) -> None:
        """Number the day's decisions in time order and apply approvals to the allow-lists; the
        rows themselves are made by _expand_stream (in the writer)."""
        i = day - self.first_day
        bucket = self.buckets[i]
        if not bucket:
            return
        self.buckets[i] = None
        bucket.sort()                   # by time of day, then the order planned (ties are unique)
        stream, changes = self.sink.stream, self.change_rows
        intake: list[str] = []
        for secs, _, item in bucket:
            if item[0] == _REG:
                stream.append((_REG, day, secs, item[1]))
                intake.append(item[1])
                continue
            if intake and secs >= 43199:        # the morning's intake, logged at noon
                stream.append((_INTAKE, day, len(intake), intake[:20]))
                intake = []
            kind, link, grant = item[0], item[15], item[14]
            did = self.next_decision
            self.next_decision += 1
            acts_on = link[0] if kind == _CS else None
            if kind == _DEC and link is not None:
                link[0] = did
            grants_j = "[]" if grant is None else self._apply_grants(grant, acts_on if kind == _CS else did, day,
                                                                     changes)
            stream.append((kind, day, secs, item[1:14], did, acts_on, grants_j))
        if intake:
            stream.append((_INTAKE, day, len(intake), intake[:20]))
        self.counts["decisions"] = self.next_decision - 1

    def _expand_stream(self, records: list[tuple]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The rows of a stretch of the days' stream: clock events, decisions as decisions.decide
        writes them, and their audit rows on the hash chain (as audit.append would)."""
        events: list[tuple] = []
        decisions: list[tuple] = []
        audit_rows: list[tuple] = []
        days, base, times = self._days, self.base_ord, self._times
        os_account, os_j, sv = self.os_account, self.os_j, self.schedule_version
        j, officer_j, mids, tails, escaped = self._j, self.officer_j, self._mid_cache, self._tail_cache, self._esc_cache
        seq, prev = self.seq, self.prev_hash
        registered_day, registered = -1, ""
        for rec in records:
            kind, day = rec[0], rec[1]
            day_s = days[day - base]
            if kind == _REG:
                if day != registered_day:
                    registered_day, registered = day, json.dumps({"registered": day_s, "status": "pending"})
                events.append((rec[3], day_s + times[rec[2]], "registered", registered))
                continue
            if kind == _INTAKE:
                at, officer, officer_js = f"{day_s}T11:59:59.000000Z", self.officer.name, _jstr(self.officer.name)
                action, subject = "import.requests", f"intake-{day_s}.yaml"
                payload = audit.canonical({"file": subject, "added": rec[2], "changed": 0, "ids": rec[3]})
                payload_j = _jstr(payload)
            else:
                _, _, secs, item, did, acts_on, grants_j = rec
                (rid, outcome, reasons_j, conds_j, (note, note_j), officer_i, before, after, version, inspector,
                 referral_due, override, why_j) = item
                at = day_s + times[secs]
                officer, officer_js, subject = OFFICERS[officer_i], officer_j[officer_i], rid
                decisions.append((did, rid, outcome, reasons_j, conds_j, note, officer, os_account, at, sv, version,
                                  before, after, acts_on, inspector, referral_due, override))
                # The decision record in audit.canonical's form (keys sorted, strings as json.dumps
                # writes them), its unchanging stretches kept from one decision to the next; and the
                # same text escaped as a JSON string, for the hash (no need to escape it again).
                mid = mids.get((inspector, note_j, officer_i, outcome, override, reasons_j))
                if mid is None:
                    text = (f'"inspector":{"null" if inspector is None else j(inspector)},"note":{note_j},'
                            f'"officer":{officer_js},"os_account":{os_j},"outcome":"{outcome}",'
                            f'"override":{override},"reasons":{j(reasons_j)}')
                    mid = mids[(inspector, note_j, officer_i, outcome, override, reasons_j)] = (text, _esc(text))
                tail = tails.get((after, before, why_j, kind))
                if tail is None:
                    text = (f'"schedule_version":{self.sv_j},"status_after":"{after}","status_before":"{before}"'
                            + ("}" if kind == _CS else f',"why_countersign":{why_j}}}'))
                    tail = tails[(after, before, why_j, kind)] = (text, _esc(text))
                conds = escaped.get(conds_j)
                if conds is None:
                    conds = escaped[conds_j] = (j(conds_j), _esc(j(conds_j)))
                acts = "null" if acts_on is None else acts_on
                rd = "null" if referral_due is None else f'"{referral_due}"'
                payload = (f'{{"acts_on":{acts},"conditions":{conds[0]},"decided_at":"{at}","grants":{grants_j},'
                           f'"id":{did},{mid[0]},"referral_due":{rd},"request_id":"{rid}",'
                           f'"request_version":{version},{tail[0]}')
                payload_j = (f'"{{\\"acts_on\\":{acts},\\"conditions\\":{conds[1]},\\"decided_at\\":\\"{at}\\",'
                             f'\\"grants\\":{grants_j if grants_j == "[]" else _esc(grants_j)},\\"id\\":{did},{mid[1]},'
                             f'\\"referral_due\\":{"null" if referral_due is None else _esc(rd)},'
                             f'\\"request_id\\":\\"{rid}\\",\\"request_version\\":{version},{tail[1]}"')
                if kind == _CS:
                    action = "countersign"
                    events.append((rid, at, "countersign", f'{{"status":"{after}","day":"{day_s}","decision":{did}}}'))
                else:
                    action = "decision"
                    events.append((rid, at, "decision",
                                   f'{{"status":"{after}","day":"{day_s}","decision":{did},"outcome":"{outcome}"}}'))
            # audit.row_hash, with the canonical body assembled directly (action, time and subject
            # need no escaping: they are ASCII letters, digits and punctuation).
            seq += 1
            body = (f'{{"action":"{action}","at":"{at}","officer":{officer_js},"os_account":{os_j},'
                    f'"payload":{payload_j},"seq":{seq},"subject":"{subject}"}}')
            digest = sha256(f"{prev}\n{body}".encode()).hexdigest()
            audit_rows.append((seq, at, officer, os_account, action, subject, payload, prev, digest))
            prev = digest
        self.seq, self.prev_hash = seq, prev
        return events, decisions, audit_rows

    def _expand_grants(self, records: list[tuple]) -> tuple[list[tuple], list[tuple]]:
        """Rows of grants made, and updates of grants extended (decisions._write_grants' UPDATE)."""
        day, ids, end_use = self.day, self.cust_ids, self._end_use
        new, changed = [], []
        for rec in records:
            if len(rec) == 8:
                gid, ci, code, tkey, granted, expires, conds, decision = rec
                new.append((gid, ids[ci], code, end_use(ci, tkey)[1], conds, day(granted), day(expires), decision))
            else:
                gid, expires, conds, decision = rec
                changed.append((conds, day(expires), decision, gid))
        return new, changed


OPEN_STATUSES = frozenset(("pending", "info_requested", "referred", "awaiting_countersign"))


def _esc(json_text: str) -> str:
    """JSON text as it appears inside a JSON string (encode_basestring without the quotes), for
    text that json.dumps wrote: it has no raw control characters, only quotes and backslashes."""
    return json_text.replace("\\", "\\\\").replace('"', '\\"')


def _accumulate(values) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


def _value_near(rng: random.Random, threshold: Any, op: str, unit: str, mode: str) -> Any:
    """A result below, exactly at, or above a threshold, as the demo's evaluation files have them."""
    if isinstance(threshold, bool):
        return (not threshold) if mode == "below" else threshold
    if not isinstance(threshold, (int, float)):
        return threshold
    t = threshold
    if op in ("<", "<="):        # e.g. weight_security_level < 3: "above" means worse security
        if isinstance(t, int):
            return {"below": t + rng.randint(0, 2), "at": t, "above": max(1, t - 1)}[mode]
        return {"below": round(t * rng.uniform(1.1, 2), 2), "at": t, "above": round(t * rng.uniform(0.3, 0.9), 2)}[mode]
    if mode == "at":
        return t
    v = t * (rng.uniform(0.25, 0.9) if mode == "below" else rng.uniform(1.1, 2.4))
    if unit in ("count", "percentile", "TPP", "persons", "feeds"):
        v = int(round(v))
        if mode == "above" and not compare(v, op, t):
            v = int(t) + 1
        if mode == "below" and compare(v, op, t):
            v = int(t) - 1
        return v
    if abs(t) >= 1e6:
        v = float(f"{v:.2g}")
    elif unit == "fraction":
        v = round(min(v, 0.99), 3 if t < 0.05 else 2)
    else:
        v = round(v, 1)
    if mode == "above" and not compare(v, op, t):
        v = round(t * 1.5, 3)
    if mode == "below" and compare(v, op, t):
        v = round(t * 0.5, 3)
    return v
