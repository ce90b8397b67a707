"""The vocabulary of `permittui generate`: officers, customer profiles, countries, end-use texts,
notes, reasons and the mixes and rates the planner draws from."""

from __future__ import annotations

SPAN_DAYS = 730  # requests are submitted over the past two years
BATCH = 5000  # rows per executemany
CUSTOMERS_PER_REQUEST = 1 / 200
MIN_CUSTOMERS = 60
M64 = (1 << 64) - 1

OFFICERS = [
    "m.okafor",
    "j.lindqvist",
    "a.sato",
    "r.dubois",
    "p.nair",
    "k.weber",
    "l.moreau",
    "t.haddad",
    "s.ivanova",
    "d.mensah",
    "h.tanaka",
    "e.costa",
]
INSPECTORS = [
    "i.kovacs (AISI evaluations)",
    "n.brennan (cyber inspectorate)",
    "f.osei (biosecurity panel)",
    "g.lindgren (compute audit)",
    "y.park (autonomy evaluations)",
    "c.alvarez (surveillance review)",
]

# ── customers ────────────────────────────────────────────────────────────────────────────
# sector, tags (which entries they ask for), weight, naming style, words for company names

PROFILES: list[tuple[str, frozenset[str], int, str, tuple[str, ...]]] = [
    ("frontier lab", frozenset({"lab"}), 4, "company", ("AI", "Intelligence", "Systems", "Labs", "Research")),
    ("cloud provider", frozenset({"cloud"}), 6, "company", ("Cloud", "Compute", "Data Systems")),
    ("data-centre operator", frozenset({"cloud"}), 3, "company", ("Data Centres", "Hosting", "Infrastructure")),
    ("cybersecurity vendor", frozenset({"cyber"}), 11, "company", ("Security", "Cyber", "Defence Technologies")),
    (
        "red-team consultancy",
        frozenset({"cyber", "redteam"}),
        5,
        "company",
        ("Red Team", "Offensive Security", "Adversary Labs"),
    ),
    ("managed security provider", frozenset({"cyber"}), 4, "company", ("Managed Security", "Secure Operations")),
    (
        "penetration-testing firm",
        frozenset({"cyber", "redteam"}),
        3,
        "company",
        ("Pen-Test Services", "Security Testing"),
    ),
    ("national CERT", frozenset({"cert"}), 2, "agency", ("Computer Emergency Response Team", "Cyber Security Centre")),
    (
        "government agency",
        frozenset({"cert", "gov"}),
        3,
        "agency",
        ("Digital Infrastructure Authority", "Network Defence Agency", "Critical Infrastructure Office"),
    ),
    ("university", frozenset({"uni"}), 8, "university", ()),
    (
        "research institute",
        frozenset({"uni"}),
        3,
        "institute",
        ("Institute of Informatics", "Institute for Advanced Computing"),
    ),
    (
        "biosecurity research institute",
        frozenset({"bio", "biodef"}),
        2,
        "institute",
        ("Biosecurity Institute", "Centre for Pandemic Preparedness"),
    ),
    ("pharma", frozenset({"bio"}), 5, "company", ("Therapeutics", "Pharma", "Biologics")),
    ("biotech", frozenset({"bio"}), 6, "company", ("Biosciences", "Genomics", "Biotech")),
    ("cloud laboratory operator", frozenset({"bio"}), 1, "company", ("Cloud Lab", "Automated Biology")),
    ("defence prime", frozenset({"defence"}), 3, "company", ("Defence Systems", "Dynamics", "Aerospace")),
    ("drone manufacturer", frozenset({"defence"}), 2, "company", ("Robotics", "Unmanned Systems")),
    ("maritime autonomy vendor", frozenset({"defence"}), 1, "company", ("Ocean Robotics", "Marine Autonomy")),
    ("telecom", frozenset({"telecom"}), 6, "company", ("Telecom", "Networks", "Mobile")),
    ("telecom and IT integrator", frozenset({"telecom"}), 2, "company", ("Digital", "Integration Services")),
    ("electricity grid operator", frozenset({"utility"}), 3, "company", ("Grid", "Energy Networks", "Power")),
    ("industrial control systems integrator", frozenset({"utility"}), 2, "company", ("Automation", "Control Systems")),
    ("computer-vision vendor", frozenset({"cv"}), 2, "company", ("Vision", "Imaging Analytics")),
    (
        "transport authority",
        frozenset({"gov", "transit"}),
        1,
        "agency",
        ("Transit Safety Authority", "Transport Security Agency"),
    ),
    ("blockchain analytics", frozenset({"fintech"}), 2, "company", ("Ledger Analytics", "Chain Intelligence")),
    ("retail bank", frozenset({"fintech"}), 2, "company", ("Bank", "Banking Group")),
    ("surveillance analytics vendor", frozenset({"gov"}), 1, "company", ("Analytics", "Civic Data")),
]

# country, weight, legal forms
COUNTRIES: list[tuple[str, int, tuple[str, ...]]] = [
    ("US", 18, ("Inc.", "LLC", "Corp.")),
    ("GB", 10, ("Ltd", "plc")),
    ("DE", 8, ("GmbH", "AG")),
    ("FR", 6, ("SAS", "SA", "SARL")),
    ("JP", 5, ("K.K.", "Co., Ltd.")),
    ("KR", 4, ("Co., Ltd.",)),
    ("CA", 4, ("Inc.", "Ltd.")),
    ("IN", 4, ("Pvt Ltd", "Ltd")),
    ("NL", 3, ("B.V.", "N.V.")),
    ("SE", 3, ("AB",)),
    ("CH", 3, ("AG", "SA")),
    ("SG", 3, ("Pte. Ltd.",)),
    ("AU", 3, ("Pty Ltd",)),
    ("IL", 2, ("Ltd.",)),
    ("IE", 2, ("Ltd", "DAC")),
    ("ES", 2, ("S.L.", "S.A.")),
    ("IT", 2, ("S.p.A.", "S.r.l.")),
    ("BR", 2, ("Ltda.", "S.A.")),
    ("AE", 2, ("LLC", "FZE", "FZ-LLC")),
    ("FI", 1, ("Oy",)),
    ("DK", 1, ("A/S", "ApS")),
    ("NO", 1, ("AS", "ASA")),
    ("EE", 1, ("OÜ",)),
    ("CZ", 1, ("s.r.o.", "a.s.")),
    ("PL", 1, ("sp. z o.o.", "S.A.")),
    ("TW", 1, ("Co., Ltd.",)),
    ("MX", 1, ("S.A. de C.V.",)),
    ("ZA", 1, ("(Pty) Ltd",)),
    ("NZ", 1, ("Limited",)),
    ("CN", 1, ("Co., Ltd.",)),
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
    "AI.C.1.c": {"cyber", "cert", "utility", "telecom"},
    "AI.C.2.a": {"redteam", "cert", "cyber"},
    "AI.C.4.a": {"cyber", "cert", "uni", "telecom"},
    "AI.B.2.a": {"bio", "biodef"},
    "AI.W.1.a": {"cloud", "bio", "telecom", "gov"},
    "AI.W.3.a": {"bio", "cloud", "telecom"},
    "AI.W.3.b": {"cloud"},
    "AI.W.4.a": {"cloud", "uni", "lab"},
    "AI.A.1.b": {"lab", "uni"},
    "AI.A.2.b": {"uni", "lab", "cyber"},
    "AI.S.1.a": {"telecom", "cert"},
    "AI.S.1.b": {"transit", "gov", "cv"},
    "AI.S.2.a": {"gov", "fintech", "cyber"},
}
# Entries needing a countersign (C.1.c, B.2.a, W.1.a, A.1.b, A.2.b, S.1.b) are about a quarter of access requests.
CODE_WEIGHT = {
    "AI.C.1.c": 4,
    "AI.C.2.a": 10,
    "AI.C.4.a": 3,
    "AI.B.2.a": 2,
    "AI.W.1.a": 4,
    "AI.W.3.a": 8,
    "AI.W.3.b": 6,
    "AI.W.4.a": 14,
    "AI.A.1.b": 3,
    "AI.A.2.b": 3,
    "AI.S.1.a": 10,
    "AI.S.1.b": 3,
    "AI.S.2.a": 9,
}
SECONDARY = {"AI.C.1.c": "AI.C.2.a", "AI.W.1.a": "AI.W.3.b"}  # asked for together, sometimes
PROGRAMMES = 64  # distinct end uses per customer and entry (allow-list rows they can hold)

# ── end uses ─────────────────────────────────────────────────────────────────────────────

PURPOSES: dict[str, list[tuple[str, str]]] = {
    "AI.C.4.a": [
        (
            "Defensive vuln discovery in own products",
            "Defensive vulnerability discovery in the customer's own products and open-source dependencies before"
            " release, with findings sent to its PSIRT and upstream maintainers under coordinated disclosure.",
        ),
        (
            "CERT advisory triage",
            "Triage of incoming vulnerability reports and exploitability analysis for"
            " national advisories, never against systems the customer does not own or hold written authority to test.",
        ),
        (
            "Security review of cloud control plane",
            "Security review of the customer's cloud control plane and hypervisor code by its product-security group.",
        ),
        (
            "Closed cyber-range teaching",
            "Teaching and research in a closed university cyber range where students"
            " reproduce disclosed vulnerabilities in isolated virtual networks.",
        ),
        (
            "Fuzzing telecom core software",
            "Continuous fuzzing and root-cause analysis of the customer's telecom"
            " core-network software in a lab replica of production.",
        ),
    ],
    "AI.C.1.c": [
        (
            "Authorised pen-testing of own OT network",
            "Authorised penetration testing of the customer's own OT"
            " network under contract with a national grid operator.",
        ),
        (
            "Autonomous red-team against enterprise replica",
            "Autonomous red-team exercises against a full-scale"
            " replica of the customer's enterprise network, run quarterly with the blue team observing.",
        ),
        (
            "Purple-team validation of detection rules",
            "Purple-team validation of detection rules: the agent runs"
            " end-to-end intrusion scenarios in a segregated range while defenders tune alerts.",
        ),
        (
            "Hospital-network resilience assessment",
            "Assessment of hospital-network resilience for a regional"
            " health authority, on a cloned test environment only.",
        ),
    ],
    "AI.C.2.a": [
        (
            "C2 implants for detection signatures",
            "Development of detection signatures for command-and-control"
            " traffic; the model generates implant variants in an isolated malware lab with no network egress.",
        ),
        (
            "Red-team services to government departments",
            "Red-team services for government departments under a"
            " framework contract, with implants time-limited and registered with the client's SOC.",
        ),
        (
            "Intrusion samples for responder training",
            "Training material for incident responders: realistic"
            " intrusion-software samples generated and detonated in a sandbox.",
        ),
        (
            "Adversary emulation for financial institutions",
            "Adversary-emulation engagements for regulated"
            " financial institutions under signed rules of engagement, inside client test environments only.",
        ),
    ],
    "AI.B.2.a": [
        (
            "Biosecurity red-teaming of frontier models",
            "Biosecurity red-teaming of frontier models by a biodefence"
            " laboratory, outputs held on an isolated network and reviewed by the institutional biosafety committee.",
        ),
        (
            "Broad-spectrum antiviral design",
            "Design of broad-spectrum antiviral countermeasures against emerging"
            " viral families, with all sequence work restricted to a BSL-3 facility.",
        ),
        (
            "Host-range modelling for vaccine strains",
            "Pandemic-preparedness modelling of host-range changes to"
            " inform vaccine strain selection, under the institution's dual-use research of concern policy.",
        ),
    ],
    "AI.W.1.a": [
        (
            "Sovereign-cloud hosting of closed weights",
            "Hosting of closed frontier weights in the customer's"
            " sovereign-cloud region to serve government tenants, under the developer's weight-security requirements.",
        ),
        (
            "Air-gapped on-prem deployment",
            "On-premises deployment of closed frontier weights in the customer's"
            " air-gapped research cluster for drug-discovery workloads.",
        ),
        (
            "Disaster-recovery replica of covered weights",
            "Disaster-recovery replica of covered weights in a second data centre operated by the customer.",
        ),
        (
            "Regional serving of a frontier model",
            "Serving a frontier model from the customer's regional data"
            " centre to local enterprise customers through the developer's API gateway.",
        ),
    ],
    "AI.W.3.a": [
        (
            "Fine-tuned weights into hospital network",
            "Receipt of fine-tuned weights derived from a covered model,"
            " for deployment inside a hospital group's private network.",
        ),
        (
            "Distilled weights to overseas subsidiary",
            "Transfer of distilled weights to a subsidiary in another jurisdiction for local-language serving.",
        ),
        (
            "Weights escrow with a national lab",
            "Escrow of covered weights with a national laboratory for post-deployment evaluation.",
        ),
    ],
    "AI.W.3.b": [
        (
            "Temporary SL-2 hosting during migration",
            "Temporary hosting of covered weights at a security-level-2"
            " facility during a data-centre migration, with compensating controls.",
        ),
        (
            "Edge deployment at field sites",
            "Edge deployment of a covered model on ruggedised servers at field"
            " sites that cannot meet level-3 physical security.",
        ),
    ],
    "AI.W.4.a": [
        (
            "Accelerators for national-language model",
            "Supply of advanced accelerators (TPP at or above 4800) for"
            " training a national-language foundation model at a supercomputing centre.",
        ),
        (
            "GPU cloud region expansion",
            "Expansion of a commercial GPU cloud region with accelerators rented to vetted AI developers.",
        ),
        (
            "Climate-modelling cluster refresh",
            "Replacement of end-of-life accelerators in a weather and climate modelling cluster.",
        ),
        (
            "Drug-discovery training cluster",
            "A dedicated training cluster for protein-structure and drug-discovery models.",
        ),
    ],
    "AI.A.1.b": [
        (
            "Internal automated-research agent",
            "Internal deployment of an automated AI-research agent across the"
            " customer's pre-training and evaluation teams, with compute budgets capped per run.",
        ),
        (
            "Research agent for interpretability lab",
            "Use of an automated research agent to speed up"
            " interpretability research in a university lab, on a fixed compute allocation.",
        ),
    ],
    "AI.A.2.b": [
        (
            "Shutdown-resistance research in sandbox",
            "Alignment research on shutdown resistance and sabotage"
            " behaviour of a frontier checkpoint in an air-gapped sandbox.",
        ),
        (
            "Third-party oversight-undermining evals",
            "Third-party safety evaluation of oversight-undermining"
            " behaviour for a model developer, under an evaluation agreement.",
        ),
    ],
    "AI.S.1.a": [
        (
            "Botnet and SIM-box fraud detection",
            "Analysis of IP traffic metadata across subscriber lines to"
            " detect botnets and SIM-box fraud, with no content inspection.",
        ),
        (
            "Network-abuse detection for research network",
            "Network-abuse detection for a national research and education network.",
        ),
    ],
    "AI.S.1.b": [
        (
            "Consented face matching at boarding gates",
            "Real-time face matching at airport boarding gates against"
            " passengers' consented enrolment photos; faces of people not enrolled are discarded at the camera.",
        ),
        (
            "Missing-persons search on station cameras",
            "Identification of missing persons on station cameras"
            " during declared emergencies, on a court order each time.",
        ),
    ],
    "AI.S.2.a": [
        (
            "Tracing ransomware proceeds",
            "Tracing ransomware proceeds by fusing blockchain, sanctions and"
            " corporate-registry data for law-enforcement referrals.",
        ),
        (
            "Cross-bank fraud investigation",
            "Fraud investigation across banking, telecom and device-fingerprint data for a consortium of retail banks.",
        ),
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
VAGUE_END_USES = [
    "Research.",
    "General business use of the model; details to follow.",
    "As discussed with the department last month.",
    "Evaluation of the capability for possible future products.",
]
RELEASE_END_USES = [
    "General availability through the developer's API and consumer assistant, with a zero-retention enterprise tier.",
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
    (
        "AI.A.9.a",
        {"defence"},
        "Mission-computer integration for loitering munition",
        "Integration of the model into a loitering munition's mission computer for autonomous target engagement"
        " of personnel in contested areas.",
    ),
    (
        "AI.A.9.a",
        {"defence"},
        "Autonomous strike planning",
        "Kill chain automation for a strike-planning"
        " system that would select and engage targets without meaningful human control.",
    ),
    (
        "AI.S.9.a",
        {"gov", "cv", "telecom"},
        "Resident scoring index",
        "Population-scale monitoring of residents'"
        " phone metadata and payments to produce a social scoring index that gates access to municipal services.",
    ),
    (
        "AI.S.9.a",
        {"gov", "cv", "telecom"},
        "City-wide behaviour scoring",
        "Mass surveillance of public spaces feeding a citizen scoring database run by the municipality.",
    ),
    (
        "AI.B.2.b",
        {"bio"},
        "Autonomous design-build-test on viral vectors",
        "Connecting the model to a cloud"
        " laboratory so that it runs design cycles on viral vectors overnight: pathogen synthesis without human"
        " review of each run.",
    ),
]
REDLINE_FALSE_POSITIVE = (
    "Warrant-based interception support, named targets",
    "Lawful, warrant-based interception support for named individual targets only. The"
    " operator certifies the system will not be used for mass surveillance.",
)

# Capability metrics a lab reports for a release; CORE ones are always reported.
RELEASE_METRICS = [
    "cumulative_training_compute",
    "effective_compute_ratio_vs_last_reviewed",
    "validated_novel_vulns_cvss7plus_in_reference_corpus",
    "exploit_success_rate_professional_ctf",
    "end_to_end_range_success_rate",
    "novice_attack_task_success_ratio_vs_control",
    "novice_end_to_end_uplift_ratio_vs_control",
    "virology_troubleshooting_percentile_vs_experts",
    "expert_team_novel_design_uplift_ratio_vs_control",
    "autonomous_synthesis_cycle_completed_on_proxy",
    "expert_graded_route_actionability_rate",
    "screening_evasion_success_rate",
    "entry_level_research_task_completion_rate",
    "ai_progress_speedup_vs_2018_2024_rate",
    "ara_task_suite_success_rate",
    "oversight_undermining_eval_rate",
    "task_time_horizon_at_50pct_success",
    "specially_designed_for_intrusion_software",
    "weight_security_level",
]
CORE_METRICS = [
    "cumulative_training_compute",
    "exploit_success_rate_professional_ctf",
    "novice_end_to_end_uplift_ratio_vs_control",
    "ara_task_suite_success_rate",
]
# Results sometimes reported in another unit: (metric, unit, convert). Each is one an import
# converts (and records as reported): "operations" is FLOP, percent and minutes convert exactly.
ODD_UNITS = [
    ("exploit_success_rate_professional_ctf", "percent", lambda v: round(v * 100)),
    ("task_time_horizon_at_50pct_success", "minutes", lambda v: int(round(v * 60))),
    ("cumulative_training_compute", "operations", lambda v: v),
]
MODEL_VARIANTS = ("", " Mini", " Pro", " Agent", " Code", " Vision")
# Names of a model's checkpoint in a month (all different: a release's clearance is per model).
CHECKPOINTS = [
    "pre-release checkpoint {ym}",
    "release candidate rc1",
    "release candidate rc2",
    "release candidate rc3",
    "checkpoint {ym}-b",
    "checkpoint {ym}-c",
    "final candidate {ym}",
    "release candidate rc4",
]

CONDITIONS_BY_CATEGORY = {
    "cyber": ["NAMED-USERS-ONLY", "AUDIT-LOG-RETENTION", "INCIDENT-REPORT-72H", "HUMAN-REVIEW-REQUIRED"],
    "bio_chem": ["ON-PREMISES-ONLY", "NAMED-USERS-ONLY", "QUARTERLY-REPORTING"],
    "weights_compute": ["SECURITY-LEVEL-3", "NO-WEIGHTS-EXPORT", "NO-ONWARD-TRANSFER"],
    "autonomy": ["ON-PREMISES-ONLY", "RED-TEAM-BEFORE-DEPLOY"],
    "surveillance": ["AUDIT-LOG-RETENTION", "QUARTERLY-REPORTING", "END-USE-CERT-ANNUAL"],
}
RELEASE_CONDITIONS = ["STAGED-ROLLOUT", "INCIDENT-REPORT-72H", "RED-TEAM-BEFORE-DEPLOY"]

NOTES = {
    "approve": [
        "End use verified against the customer's file; safeguards adequate.",
        "Evaluations and safeguards reviewed; no concerns.",
        "Consistent with earlier grants to this customer.",
    ],
    "approve-with-conditions": [
        "Approved on the standard conditions for this entry.",
        "Safeguards adequate with the listed conditions.",
        "Renewal on the same conditions; no incidents reported in the term.",
    ],
    "deny": [
        "Safeguards do not match the risk of the end use.",
        "End use not credible for this customer.",
        "Refused under the schedule; may reapply with further information.",
    ],
    "return": [
        "Returned without action: the application is incomplete.",
        "Wrong procedure for this entry; see the guidance.",
        "No response to the request for information.",
    ],
    "request-info": [
        "Please describe who will use the capability and where.",
        "Send the safeguards report and the evaluation protocol.",
        "Clarify the end user and any onward transfer.",
    ],
    "refer": [
        "Technical questions for the inspectorate before a decision.",
        "Evaluation results need an inspector's reading.",
    ],
    "countersign": ["Second review done; agree.", "Countersigned.", "Agree with the first officer's reasoning."],
}
REASONS = {
    "approve": [["END-USE-VERIFIED", "SAFEGUARDS-ADEQUATE"], ["END-USE-VERIFIED"]],
    "approve-with-conditions": [["END-USE-VERIFIED", "SAFEGUARDS-ADEQUATE"], ["SAFEGUARDS-ADEQUATE"]],
    "approve-release": [["SAFEGUARDS-ADEQUATE", "EVAL-BELOW-THRESHOLD"], ["SAFEGUARDS-ADEQUATE"]],
    "deny": [
        ["SAFEGUARDS-INADEQUATE"],
        ["EU-DIVERSION-RISK", "SAFEGUARDS-INADEQUATE"],
        ["PARTY-UNVERIFIED"],
        ["PRIOR-DENIAL", "EU-DIVERSION-RISK"],
    ],
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
RED_LINE_REASON = {
    "autonomy": "REDLINE-AUTONOMOUS-WEAPONS",
    "surveillance": "REDLINE-MASS-SURVEILLANCE",
    "bio_chem": "REDLINE-BIO-SYNTHESIS",
}


PRE_STEP = {"access": (0.05, 0.025), "release": (0.05, 0.06), "renewal": (0.03, 0.01)}  # request-info, refer
WRITER_PROCESS_FROM = 20_000  # below this many requests the rows are written in-process
# Secondary indexes of the bulk tables are dropped for the load and built after it, from their own
# schema SQL: keeping them up row by row costs the writer about three times as much.
BULK_TABLES = ("requests", "request_entries", "request_events", "decisions", "audit", "grants", "grant_changes")

OPEN_STATUSES = frozenset(("pending", "info_requested", "referred", "awaiting_countersign"))


# The end-use category an access request declares (data/end_uses.yaml), read off its end use by
# the first keyword that fits, else from its first entry's schedule category. Deterministic, so
# the demo's and the generator's other draws do not move.
CATEGORY_KEYWORDS = (
    (
        ("penetration test", "red team", "red-team", "red teaming", "adversary emulation"),
        "authorised_penetration_testing",
    ),
    (("vulnerab", "disclos", "bug bounty"), "vulnerability_disclosure"),
    (("incident", "threat hunt", "forensic"), "incident_response"),
    (("malware", "detection engineering", "reverse engineer"), "malware_analysis"),
    (("fraud", "money laundering", "financial crime"), "fraud_and_financial_crime"),
    (("law enforcement", "police", "warrant", "prosecut"), "law_enforcement_investigation"),
    (("evaluation", "evals", "benchmark"), "safety_evaluation"),
    (
        ("vaccine", "biosecurity", "biodefen", "countermeasure", "outbreak", "surveillance of pathogens"),
        "biosecurity_defence",
    ),
    (("clinical", "drug", "biomedical", "protein", "therapeut", "diagnos"), "biomedical_research"),
    (("universit", "academic", "phd", "thesis"), "academic_research"),
    (("grid", "infrastructure", "utility", "water", "substation", "pipeline"), "critical_infrastructure_protection"),
    (("military", "armed forces", "ministry of defence", "defence ministry"), "military_non_weapon"),
    (("weights", "distilled"), "weights_transfer"),
    (("hosting", "serving", "inference api"), "model_hosting"),
    (("accelerator", "cluster", "chips", "gpu", "datacentre", "data centre"), "compute_provision"),
)
CATEGORY_BY_SCHEDULE = {
    "cyber": "defensive_security_research",
    "bio_chem": "biomedical_research",
    "autonomy": "safety_evaluation",
    "surveillance": "public_sector_services",
    "weights_compute": "model_hosting",
}


def end_use_category(end_use: str, schedule_category: str | None) -> str:
    """The category an applicant with this end use declares; `schedule_category` is that of the
    first entry requested."""
    if end_use in VAGUE_END_USES:
        return "other"
    text = end_use.lower()
    for words, code in CATEGORY_KEYWORDS:
        if any(w in text for w in words):
            return code
    return CATEGORY_BY_SCHEDULE.get(schedule_category or "", "other")
