// Uniqueness constraints: ids are unique per label; MERGE on id relies on them.
// Applied by the Neo4j backend before every load (IF NOT EXISTS makes that idempotent).
CREATE CONSTRAINT service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT blueprint_id IF NOT EXISTS FOR (n:Blueprint) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT phase_id IF NOT EXISTS FOR (n:Phase) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT step_id IF NOT EXISTS FOR (n:Step) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT evidence_id IF NOT EXISTS FOR (n:Evidence) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT touchpoint_id IF NOT EXISTS FOR (n:Touchpoint) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT role_id IF NOT EXISTS FOR (n:Role) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT department_id IF NOT EXISTS FOR (n:Department) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT system_id IF NOT EXISTS FOR (n:System) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT failpoint_id IF NOT EXISTS FOR (n:FailPoint) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT persona_id IF NOT EXISTS FOR (n:Persona) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT metric_id IF NOT EXISTS FOR (n:Metric) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT observation_id IF NOT EXISTS FOR (n:Observation) REQUIRE n.id IS UNIQUE;

// Lookups by exact name (references accept an id or a name).
CREATE INDEX service_name IF NOT EXISTS FOR (n:Service) ON (n.name);
CREATE INDEX blueprint_name IF NOT EXISTS FOR (n:Blueprint) ON (n.name);
CREATE INDEX phase_name IF NOT EXISTS FOR (n:Phase) ON (n.name);
CREATE INDEX step_name IF NOT EXISTS FOR (n:Step) ON (n.name);
CREATE INDEX evidence_name IF NOT EXISTS FOR (n:Evidence) ON (n.name);
CREATE INDEX touchpoint_name IF NOT EXISTS FOR (n:Touchpoint) ON (n.name);
CREATE INDEX role_name IF NOT EXISTS FOR (n:Role) ON (n.name);
CREATE INDEX department_name IF NOT EXISTS FOR (n:Department) ON (n.name);
CREATE INDEX system_name IF NOT EXISTS FOR (n:System) ON (n.name);
CREATE INDEX failpoint_name IF NOT EXISTS FOR (n:FailPoint) ON (n.name);
CREATE INDEX persona_name IF NOT EXISTS FOR (n:Persona) ON (n.name);
CREATE INDEX metric_name IF NOT EXISTS FOR (n:Metric) ON (n.name);
CREATE INDEX observation_name IF NOT EXISTS FOR (n:Observation) ON (n.name);

// Frequent filters.
CREATE INDEX step_lane IF NOT EXISTS FOR (n:Step) ON (n.lane);
CREATE INDEX touchpoint_channel IF NOT EXISTS FOR (n:Touchpoint) ON (n.channel);
CREATE INDEX failpoint_rpn IF NOT EXISTS FOR (n:FailPoint) ON (n.rpn);
CREATE INDEX blueprint_scenario IF NOT EXISTS FOR (n:Blueprint) ON (n.scenario);
CREATE INDEX observation_subject IF NOT EXISTS FOR (n:Observation) ON (n.subject);
// Whether anything was observed, asked by every impact and what-if answer: an index holds only
// the steps with the property, so the count is one index lookup, not a scan of every step
// (PROFILE at 10,000 services: NodeIndexScan, 1 db hit, 1.9 ms; before, 240,000 rows, 26 ms).
CREATE INDEX step_observed IF NOT EXISTS FOR (n:Step) ON (n.observed);
