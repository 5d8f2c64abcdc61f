--
-- PostgreSQL database dump
--

\restrict FKRPfB8PAnri7Qxg0ScpefPBLfe1LBzJKjxmvzq9R0uFErSeVtXMXOr5qH4Efkg

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: actions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.actions (
    id character varying(64) NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    agent character varying(200) NOT NULL,
    tool character varying(200) NOT NULL,
    thread character varying(200),
    subject character varying(200),
    call_id character varying(200) NOT NULL,
    reasoning text,
    confidence double precision,
    args text NOT NULL,
    verdict text NOT NULL,
    mode character varying(16) NOT NULL,
    urgency character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    policy_version character varying(64) NOT NULL,
    decision text,
    decided_at double precision,
    result text,
    error text,
    window_ends_at double precision,
    expires_at double precision,
    approvals text,
    run_at double precision,
    reviewers character varying(200),
    escalations integer DEFAULT 0 NOT NULL,
    claimed_by character varying(64),
    lease_until double precision,
    undo text,
    version integer DEFAULT 0 NOT NULL,
    swept_by character varying(64),
    sweep_until double precision
);


--
-- Name: audit_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_events (
    seq integer NOT NULL,
    at character varying(40) NOT NULL,
    actor character varying(250) NOT NULL,
    kind character varying(64) NOT NULL,
    action_id character varying(64),
    body text NOT NULL,
    prev_hash character varying(64) NOT NULL,
    hash character varying(64) NOT NULL
);


--
-- Name: audit_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_head (
    id integer NOT NULL,
    seq integer NOT NULL,
    hash character varying(64) NOT NULL
);


--
-- Name: incidents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.incidents (
    id character varying(64) NOT NULL,
    action_id character varying(64) NOT NULL,
    agent character varying(200) NOT NULL,
    tool character varying(200) NOT NULL,
    note text NOT NULL,
    by character varying(200) NOT NULL,
    at double precision NOT NULL,
    finding character varying(16) DEFAULT 'critical'::character varying NOT NULL
);


--
-- Name: lanes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lanes (
    agent character varying(200) NOT NULL,
    tool character varying(200) NOT NULL,
    level character varying(16),
    breaker character varying(200),
    breaker_at double precision
);


--
-- Name: nonces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.nonces (
    key character varying(128) NOT NULL,
    at double precision NOT NULL
);


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id character varying(64) NOT NULL,
    seq integer NOT NULL,
    action_id character varying(64),
    kind character varying(32) NOT NULL,
    channel character varying(100) NOT NULL,
    recipient character varying(200),
    status character varying(16) NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    created_at double precision NOT NULL,
    next_at double precision NOT NULL,
    only_if_pending integer DEFAULT 0 NOT NULL,
    last_error text,
    sent_at double precision,
    claimed_by character varying(64),
    lease_until double precision
);


--
-- Name: outbox_cursor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox_cursor (
    id integer NOT NULL,
    seq integer NOT NULL
);


--
-- Name: secrets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.secrets (
    name character varying(64) NOT NULL,
    value character varying(128) NOT NULL
);


--
-- Name: shadow_cases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.shadow_cases (
    id character varying(64) NOT NULL,
    subject character varying(200) NOT NULL,
    created_at double precision NOT NULL,
    agent character varying(200),
    has_agent integer NOT NULL,
    agent_tool character varying(200),
    agent_args text NOT NULL,
    agent_action_id character varying(64),
    agent_confidence double precision,
    agent_error text,
    has_human integer NOT NULL,
    human_tool character varying(200),
    human_args text NOT NULL,
    human_by character varying(200),
    result character varying(32),
    detail text,
    compared_at double precision
);


--
-- Name: tether_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tether_schema (
    version integer NOT NULL,
    applied_at double precision NOT NULL
);


--
-- Name: tether_schema_version_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tether_schema_version_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tether_schema_version_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tether_schema_version_seq OWNED BY public.tether_schema.version;


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    id character varying(32) NOT NULL,
    name character varying(200) NOT NULL,
    role character varying(16) NOT NULL,
    groups text NOT NULL,
    digest character varying(64) NOT NULL,
    created_at double precision NOT NULL,
    revoked_at double precision
);


--
-- Name: usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.usage (
    id integer NOT NULL,
    limit_id character varying(200) NOT NULL,
    agent character varying(200) NOT NULL,
    tool character varying(200) NOT NULL,
    at double precision NOT NULL,
    amount double precision NOT NULL
);


--
-- Name: usage_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.usage_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: usage_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.usage_id_seq OWNED BY public.usage.id;


--
-- Name: tether_schema version; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tether_schema ALTER COLUMN version SET DEFAULT nextval('public.tether_schema_version_seq'::regclass);


--
-- Name: usage id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.usage ALTER COLUMN id SET DEFAULT nextval('public.usage_id_seq'::regclass);


--
-- Data for Name: actions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.actions (id, created_at, updated_at, agent, tool, thread, subject, call_id, reasoning, confidence, args, verdict, mode, urgency, status, policy_version, decision, decided_at, result, error, window_ends_at, expires_at, approvals, run_at, reviewers, escalations, claimed_by, lease_until, undo, version, swept_by, sweep_until) FROM stdin;
99ffde8ab4934c89b28c3027ea3a53a6	1795165200	1795165200	support-bot	classify_ticket	\N	\N	8bb9b5c3648e42b9996ee33b0552633e	ticket work: classify_ticket	0.95	{"category": "billing", "ticket": "T-1"}	{"mode": "auto", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	auto	normal	executed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	"T-1 filed under billing"	\N	\N	\N	\N	\N	\N	0	gate-c81659468c25:6303d5d2	\N	\N	1	\N	\N
ac937926f4d04ec19e1866cb30ecbfbd	1795165200	1795165200	support-bot	cancel_order	\N	\N	9b92eda2002240e18870e5837e839e3e	ticket work: cancel_order	0.95	{"order": "O-7"}	{"mode": "notify", "reasons": [{"step": "matrix", "ref": "high/partial", "mode": "notify", "text": "risk high, reversible partial \\u2192 notify"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "notify", "trips": null, "charges": []}	notify	normal	executed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	"cancelled O-7"	\N	\N	\N	\N	\N	\N	0	gate-c81659468c25:a950373b	\N	\N	1	\N	\N
e8af63b434f44fc79e3f68860579924a	1795165200	1795165200	support-bot	sync_crm	\N	\N	fc811c3adc654a2d9877af4daf7cdb34	ticket work: sync_crm	0.95	{"account": "A-3"}	{"mode": "auto", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	auto	normal	failed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	ConnectionError: CRM unreachable	\N	\N	\N	\N	\N	0	gate-c81659468c25:cdb32713	\N	\N	1	\N	\N
9da6744103e7449394e70385ffbcb2ce	1795165200	1795165200	support-bot	wipe_disk	\N	\N	8280d28e87b6408ca900bc4b0cc2ace0	ticket work: wipe_disk	0.95	{"host": "db-1"}	{"mode": "deny", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}, {"step": "rule", "ref": "never-wipe", "mode": "deny", "text": "rule never-wipe (true) \\u2192 deny"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	deny	normal	denied	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
4513c099cd0d4d719e3108eeb8ebb895	1795165200	1795165200	support-bot	transfer_funds	\N	\N	fb11f43031da47d5922f6a1d740331e1	ticket work: transfer_funds	0.95	{"account": "A-1", "amount": 120.5}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 2, "window": null, "timeout": 14400.0, "on_timeout": "reject", "reviewers": "finance", "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	executed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	{"kind": "approve", "by": "bob", "note": ""}	1795165200	"sent 120.5 to A-1"	\N	\N	1795179600	[{"kind": "approve", "by": "alice", "note": "matches the invoice"}, {"kind": "approve", "by": "bob", "note": ""}]	\N	finance	0	gate-c81659468c25:a7a303d9	\N	\N	4	\N	\N
f39c88b113bd42c6a61f158fe6236347	1795165200	1795165200	support-bot	transfer_funds	\N	\N	2376b9f6cb104e079cbb633acf335f9d	ticket work: transfer_funds	0.95	{"account": "A-2", "amount": 9000.0}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 2, "window": null, "timeout": 14400.0, "on_timeout": "reject", "reviewers": "finance", "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	pending	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	1795179600	[{"kind": "approve", "by": "alice", "note": "one of two"}]	\N	finance	0	\N	\N	\N	1	\N	\N
9f87ed351da842d59335ce46403666ae	1795165200	1795165200	support-bot	delete_user_data	\N	\N	c0d39430d5ea4d329981410aa3059ab5	ticket work: delete_user_data	0.95	{"user": "u-17"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	rejected	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	{"kind": "reject", "by": "bob", "note": "legal hold on this account"}	1795165200	\N	\N	\N	1795251600	\N	\N	\N	0	\N	\N	\N	1	\N	\N
a41d829ecf6a491db4b72ee698d9e31f	1795165200	1795165200	support-bot	send_user_notification	\N	\N	23a01bc12e14411e9b4647d9a083ea92	ticket work: send_user_notification	0.95	{"text": "Your refund is on its way!!!", "user": "u-3"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	executed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	{"kind": "edit", "by": "alice", "args": {"text": "Your refund is on its way.", "user": "u-3"}, "note": "tone"}	1795165200	"notified u-3"	\N	\N	1795172400	[{"kind": "edit", "by": "alice", "args": {"text": "Your refund is on its way.", "user": "u-3"}, "note": "tone"}]	\N	\N	0	gate-c81659468c25:9630721f	\N	\N	3	\N	\N
30ffa129ed6948e586da95a8d133b53b	1795165200	1795165200	support-bot	send_user_notification	\N	\N	658f9efe927f4022bc2d6fca8d224e04	ticket work: send_user_notification	0.95	{"text": "Account closed", "user": "u-4"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	responded	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	{"kind": "respond", "by": "bob", "message": "Do not close it; ask the customer first."}	1795165200	\N	\N	\N	1795172400	\N	\N	\N	0	\N	\N	\N	1	\N	\N
98bd34045e5242a58d226bc27ddbecf8	1795165200	1795165200	support-bot	send_user_notification	\N	\N	5e6d68a434164dbcbf79a94da098ba49	ticket work: send_user_notification	0.95	{"text": "Password reset", "user": "u-5"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	approved	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	{"kind": "approve", "by": "alice", "note": ""}	1795165200	\N	\N	\N	1795172400	[{"kind": "approve", "by": "alice", "note": ""}]	\N	\N	0	\N	\N	\N	1	\N	\N
512485134459453bb47b65e6625148e4	1795165200	1795165200	support-bot	delete_user_data	\N	\N	efd7ba12fe964e8e8fab0f5a29d1f8e8	ticket work: delete_user_data	0.55	{"user": "u-99"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}, {"step": "confidence", "ref": "0.6", "mode": "approve", "text": "confidence 0.55 is below 0.60 (urgent)"}], "alert": true, "urgency": "high", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	high	pending	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	1795251600	\N	\N	\N	0	\N	\N	\N	0	\N	\N
940a0512520b462da48e465e051cce4c	1795165200	1795165200	support-bot	send_email	\N	\N	00ac37323a104a3591a30ea53323c551	ticket work: send_email	0.95	{"subject": "10% off", "to": "a@example.com"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	undone	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	"sent '10% off' to a@example.com"	\N	1795165800	\N	\N	\N	\N	0	gate-c81659468c25:0b517360	\N	{"by": "alice", "requested_at": 1795165200.0, "result": "recalled '10% off' from a@example.com", "error": null}	4	\N	\N
beb5e7d47af8485b972a10d39a9ace3d	1795165200	1795165200	support-bot	issue_credit	\N	T-42	c5baa9df8c134db68bb57e66a19cdc92	ticket work: issue_credit	0.95	{"amount": 20, "order": "O-1"}	{"mode": "shadow", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}, {"step": "rule", "ref": "credit-in-shadow", "mode": "shadow", "text": "rule credit-in-shadow (true) \\u2192 shadow"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	shadow	normal	shadowed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
c032fd3515584deb9bdbb38ca0b08fa3	1795165200	1795165200	support-bot	issue_credit	\N	T-43	46a66f7a2bbe41ef92f3a50704f4ba9c	ticket work: issue_credit	0.95	{"amount": 5, "order": "O-2"}	{"mode": "shadow", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}, {"step": "rule", "ref": "credit-in-shadow", "mode": "shadow", "text": "rule credit-in-shadow (true) \\u2192 shadow"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	shadow	normal	shadowed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
c29f798868d84bfb88f85f8d7332155c	1795165200	1795176000	support-bot	send_user_notification	\N	\N	57dd07c6f9bb4954a04b113c4de0d91b	ticket work: send_user_notification	0.95	{"text": "Survey", "user": "u-6"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	expired	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	1795172400	\N	\N	\N	0	\N	\N	\N	1	sweep-d13983f73ff1	1795176060
6fa28d949dbd402c9f015de92700dcb9	1795165200	1795176000	support-bot	send_email	\N	\N	c6e2c0c77f3948cd99ea3fccf14823fe	ticket work: send_email	0.95	{"subject": "Welcome", "to": "b@example.com"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	finalized	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	"sent 'Welcome' to b@example.com"	\N	1795165800	\N	\N	\N	\N	0	gate-c81659468c25:91be732b	\N	\N	2	sweep-d13983f73ff1	1795176060
0eaa9d7685c44909a7da772615689c17	1795176000	1795176660	support-bot	publish_post	\N	\N	c68c41d3efa74194b5d0c1d041e4b5e6	ticket work: publish_post	0.95	{"title": "Release notes"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	executed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	"published Release notes"	\N	\N	\N	\N	1795176600	\N	0	gate-c81659468c25:b403ac55	\N	\N	2	\N	\N
792f5580e1514b97927323a9cd50cf40	1795176660	1795176660	support-bot	publish_post	\N	\N	b75b8f9aaba44f7aaa389f57661f2737	ticket work: publish_post	0.95	{"title": "Draft that leaked"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	vetoed	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	\N	\N	1795177260	\N	0	\N	\N	{"by": "bob", "requested_at": 1795176660.0, "result": null, "error": null}	1	\N	\N
4e375d160abf4b4cb1cca1f1fae6e7e7	1795176660	1795176660	support-bot	publish_post	\N	\N	a05a299fbcf5487b9d8ccf25256abdee	ticket work: publish_post	0.95	{"title": "Tomorrow's post"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	deferred	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	\N	\N	1795177260	\N	0	\N	\N	\N	0	\N	\N
e2953ea3db5e40978d09bc7c894e9f14	1795176660	1795176660	support-bot	delete_user_data	\N	\N	bc50a5afcee14072abe6aabc710675c6	ticket work: delete_user_data	0.95	{"user": "u-100"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	pending	fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52	\N	\N	\N	\N	\N	1795263060	\N	\N	\N	0	\N	\N	\N	0	\N	\N
\.


--
-- Data for Name: audit_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_events (seq, at, actor, kind, action_id, body, prev_hash, hash) FROM stdin;
1	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	99ffde8ab4934c89b28c3027ea3a53a6	{"agent":"support-bot","args":{"category":"billing","ticket":"T-1"},"call_id":"8bb9b5c3648e42b9996ee33b0552633e","confidence":0.95,"expires_at":null,"mode":"auto","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: classify_ticket","reasons":["risk low, reversible yes \\u2192 auto"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"classify_ticket","urgency":"normal"}	0000000000000000000000000000000000000000000000000000000000000000	cd1ab6125405a2ad3db34e10b056e244e261524865b83119bdef4a2173d07e17
2	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	99ffde8ab4934c89b28c3027ea3a53a6	{"args":{"category":"billing","ticket":"T-1"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	cd1ab6125405a2ad3db34e10b056e244e261524865b83119bdef4a2173d07e17	123d47371f55e69a7ad0fc35c93f7d6b3c71835f3544d00e4b59673999d1adeb
3	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	99ffde8ab4934c89b28c3027ea3a53a6	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"T-1 filed under billing"}	123d47371f55e69a7ad0fc35c93f7d6b3c71835f3544d00e4b59673999d1adeb	041104db94745af3dadc24743677a801acdef42cf3be57f7b1e3b07a6f9b84ba
4	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	ac937926f4d04ec19e1866cb30ecbfbd	{"agent":"support-bot","args":{"order":"O-7"},"call_id":"9b92eda2002240e18870e5837e839e3e","confidence":0.95,"expires_at":null,"mode":"notify","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: cancel_order","reasons":["risk high, reversible partial \\u2192 notify"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"cancel_order","urgency":"normal"}	041104db94745af3dadc24743677a801acdef42cf3be57f7b1e3b07a6f9b84ba	6e1e16e552d57bacabcb8c311175ff96e41b6fa2d6a32755f7e4556622769dfc
5	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	ac937926f4d04ec19e1866cb30ecbfbd	{"args":{"order":"O-7"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	6e1e16e552d57bacabcb8c311175ff96e41b6fa2d6a32755f7e4556622769dfc	34147d1f8c173236e03e89c8ecce46ec6ff2bc9055c446cb9d08515ba77560f3
6	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	ac937926f4d04ec19e1866cb30ecbfbd	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"cancelled O-7"}	34147d1f8c173236e03e89c8ecce46ec6ff2bc9055c446cb9d08515ba77560f3	7252e78c0429d30795837b779247620e1b533edfaac74b08e8938a47126d4508
7	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	e8af63b434f44fc79e3f68860579924a	{"agent":"support-bot","args":{"account":"A-3"},"call_id":"fc811c3adc654a2d9877af4daf7cdb34","confidence":0.95,"expires_at":null,"mode":"auto","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: sync_crm","reasons":["risk low, reversible yes \\u2192 auto"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"sync_crm","urgency":"normal"}	7252e78c0429d30795837b779247620e1b533edfaac74b08e8938a47126d4508	bcdcb6f37af49236b61311a69950d0e65b7b523150767a913819401dd8aefef1
8	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	e8af63b434f44fc79e3f68860579924a	{"args":{"account":"A-3"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	bcdcb6f37af49236b61311a69950d0e65b7b523150767a913819401dd8aefef1	ac1439f806276c07fc994d2ee8c0c0ea7979813d732430a3ec0a33a946c96083
9	2026-11-20T09:00:00+00:00	agent:support-bot	action.failed	e8af63b434f44fc79e3f68860579924a	{"error":"ConnectionError: CRM unreachable","outcome":"failed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	ac1439f806276c07fc994d2ee8c0c0ea7979813d732430a3ec0a33a946c96083	460c1c5baacc1fcdc56104753ba00782787664e5babbc1d8d37c65dffa30c1eb
10	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	9da6744103e7449394e70385ffbcb2ce	{"agent":"support-bot","args":{"host":"db-1"},"call_id":"8280d28e87b6408ca900bc4b0cc2ace0","confidence":0.95,"expires_at":null,"mode":"deny","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: wipe_disk","reasons":["risk low, reversible yes \\u2192 auto","rule never-wipe (true) \\u2192 deny"],"run_at":null,"status":"denied","subject":null,"thread":null,"tool":"wipe_disk","urgency":"normal"}	460c1c5baacc1fcdc56104753ba00782787664e5babbc1d8d37c65dffa30c1eb	2976c33405679b187d617cbf032f58f8b4778c49f10e8b0396fc65364c6dcd1f
11	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	4513c099cd0d4d719e3108eeb8ebb895	{"agent":"support-bot","args":{"account":"A-1","amount":120.5},"call_id":"fb11f43031da47d5922f6a1d740331e1","confidence":0.95,"expires_at":"2026-11-20T13:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":2,"reasoning":"ticket work: transfer_funds","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"transfer_funds","urgency":"normal"}	2976c33405679b187d617cbf032f58f8b4778c49f10e8b0396fc65364c6dcd1f	13b93bc53b95be33bdd0c3ad175c76f408cc35a1cad1336ea15d15928744afdf
12	2026-11-20T09:00:00+00:00	human:alice	action.approved	4513c099cd0d4d719e3108eeb8ebb895	{"approvals":1,"decision":"approve","note":"matches the invoice","outcome":"pending","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":2}	13b93bc53b95be33bdd0c3ad175c76f408cc35a1cad1336ea15d15928744afdf	c24466af866f6d180a0a26473a73244d1fc4f84c177112ed49dc8f3d589b6c5e
13	2026-11-20T09:00:00+00:00	human:bob	action.approved	4513c099cd0d4d719e3108eeb8ebb895	{"approvals":2,"decision":"approve","note":"","outcome":"approved","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":2}	c24466af866f6d180a0a26473a73244d1fc4f84c177112ed49dc8f3d589b6c5e	495b33e29c5fc4812d50150e985cb9b4d081b11461fea9b43046f16067ac7007
14	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	4513c099cd0d4d719e3108eeb8ebb895	{"args":{"account":"A-1","amount":120.5},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	495b33e29c5fc4812d50150e985cb9b4d081b11461fea9b43046f16067ac7007	00f9eab30e28d7bb001a7da5f3d911522e1acc51c0beb9beaec7ffb9b0897b69
15	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	4513c099cd0d4d719e3108eeb8ebb895	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"sent 120.5 to A-1"}	00f9eab30e28d7bb001a7da5f3d911522e1acc51c0beb9beaec7ffb9b0897b69	733870941bc1b03b974552957fc3a31426d995fee289fa01f977124cae940819
45	2026-11-20T09:00:00+00:00	human:desk	shadow.human_recorded	c032fd3515584deb9bdbb38ca0b08fa3	{"args":{},"subject":"T-43","tool":null}	6366bf35ee047b04774b2bc1624c313d2f56501503dd8bbb5cce7d8f05e1e8a6	f06d0e8b31b05a1ae0fa95b2d46ea2f6deb4bd53daefaa81f56f06cbe62d584d
16	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	f39c88b113bd42c6a61f158fe6236347	{"agent":"support-bot","args":{"account":"A-2","amount":9000.0},"call_id":"2376b9f6cb104e079cbb633acf335f9d","confidence":0.95,"expires_at":"2026-11-20T13:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":2,"reasoning":"ticket work: transfer_funds","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"transfer_funds","urgency":"normal"}	733870941bc1b03b974552957fc3a31426d995fee289fa01f977124cae940819	e15c19134b7970094126296e0f3ea3546519528d84e9a93e8c616d5efdc02740
17	2026-11-20T09:00:00+00:00	human:alice	action.approved	f39c88b113bd42c6a61f158fe6236347	{"approvals":1,"decision":"approve","note":"one of two","outcome":"pending","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":2}	e15c19134b7970094126296e0f3ea3546519528d84e9a93e8c616d5efdc02740	fc7db4c0de659a923868f9658355addeb3fed6f7a56432fbcfa75cda8c57df35
18	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	9f87ed351da842d59335ce46403666ae	{"agent":"support-bot","args":{"user":"u-17"},"call_id":"c0d39430d5ea4d329981410aa3059ab5","confidence":0.95,"expires_at":"2026-11-21T09:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"normal"}	fc7db4c0de659a923868f9658355addeb3fed6f7a56432fbcfa75cda8c57df35	fcfacc491e56fa5e69b5aa4f8133d1bfe75a042adc6e6c71361e40063fc2567f
19	2026-11-20T09:00:00+00:00	human:bob	action.rejected	9f87ed351da842d59335ce46403666ae	{"decision":"reject","note":"legal hold on this account","outcome":"rejected","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	fcfacc491e56fa5e69b5aa4f8133d1bfe75a042adc6e6c71361e40063fc2567f	c9c7bc6761bfdf70ece0abc9e533c598c82cfc8d6534bbd0ffc934fb19a50164
20	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	a41d829ecf6a491db4b72ee698d9e31f	{"agent":"support-bot","args":{"text":"Your refund is on its way!!!","user":"u-3"},"call_id":"23a01bc12e14411e9b4647d9a083ea92","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	c9c7bc6761bfdf70ece0abc9e533c598c82cfc8d6534bbd0ffc934fb19a50164	4ad9f9dc0859948d534264e3fde351d336293a3da17694ac7eb9f70ebf50eb6b
21	2026-11-20T09:00:00+00:00	human:alice	action.edited	a41d829ecf6a491db4b72ee698d9e31f	{"args":{"text":"Your refund is on its way.","user":"u-3"},"decision":"edit","note":"tone","original_args":{"text":"Your refund is on its way!!!","user":"u-3"},"outcome":"approved","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	4ad9f9dc0859948d534264e3fde351d336293a3da17694ac7eb9f70ebf50eb6b	1e59156a0695ab4eb9d7a138af515d90b0211029cbb101629248b86fba1ba525
22	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	a41d829ecf6a491db4b72ee698d9e31f	{"args":{"text":"Your refund is on its way.","user":"u-3"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	1e59156a0695ab4eb9d7a138af515d90b0211029cbb101629248b86fba1ba525	9d7557314effda8059e121b71650c8c9a752a82a727c6575efbea35a7b94ac85
23	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	a41d829ecf6a491db4b72ee698d9e31f	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"notified u-3"}	9d7557314effda8059e121b71650c8c9a752a82a727c6575efbea35a7b94ac85	e7ce81123e72f89383893127624f2825d7818719f50b539ce082e0592f982db2
24	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	30ffa129ed6948e586da95a8d133b53b	{"agent":"support-bot","args":{"text":"Account closed","user":"u-4"},"call_id":"658f9efe927f4022bc2d6fca8d224e04","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	e7ce81123e72f89383893127624f2825d7818719f50b539ce082e0592f982db2	f2346b8a9485fc3f40bf5ae919fc6449c00f69d76d751466a7506a81e305aa7c
25	2026-11-20T09:00:00+00:00	human:bob	action.responded	30ffa129ed6948e586da95a8d133b53b	{"decision":"respond","message":"Do not close it; ask the customer first.","outcome":"responded","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	f2346b8a9485fc3f40bf5ae919fc6449c00f69d76d751466a7506a81e305aa7c	87ec8c81cfc00dfb3c4038ade5dfb342a732ef715af208e645512caf182d5c6e
26	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	98bd34045e5242a58d226bc27ddbecf8	{"agent":"support-bot","args":{"text":"Password reset","user":"u-5"},"call_id":"5e6d68a434164dbcbf79a94da098ba49","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	87ec8c81cfc00dfb3c4038ade5dfb342a732ef715af208e645512caf182d5c6e	db4077092cba5031557716d88f25b9e45eb982d30af9ad130256d3ae5cf2f670
27	2026-11-20T09:00:00+00:00	human:alice	action.approved	98bd34045e5242a58d226bc27ddbecf8	{"decision":"approve","note":"","outcome":"approved","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	db4077092cba5031557716d88f25b9e45eb982d30af9ad130256d3ae5cf2f670	2fe1a6c79488e35f83e9c9afacac29c5bb56b1e9d4c2e56550708950b557395f
28	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	512485134459453bb47b65e6625148e4	{"agent":"support-bot","args":{"user":"u-99"},"call_id":"efd7ba12fe964e8e8fab0f5a29d1f8e8","confidence":0.55,"expires_at":"2026-11-21T09:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)","confidence 0.55 is below 0.60 (urgent)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"high"}	2fe1a6c79488e35f83e9c9afacac29c5bb56b1e9d4c2e56550708950b557395f	7b2c0e7413edc196521d04bc6230278f6398c62599dc9afbf39295a8a4d0ccbf
46	2026-11-20T09:00:00+00:00	system	shadow.compared	c032fd3515584deb9bdbb38ca0b08fa3	{"case":"c14c327736444cf38c60ceba30fbea13","detail":"the agent proposed issue_credit; the human took no action","result":"false_positive","subject":"T-43"}	f06d0e8b31b05a1ae0fa95b2d46ea2f6deb4bd53daefaa81f56f06cbe62d584d	5691f409e7dc1dfef423ee56c87bc2aef8be61ca08e1f6af72621acaa67c36a5
29	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	c29f798868d84bfb88f85f8d7332155c	{"agent":"support-bot","args":{"text":"Survey","user":"u-6"},"call_id":"57dd07c6f9bb4954a04b113c4de0d91b","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	7b2c0e7413edc196521d04bc6230278f6398c62599dc9afbf39295a8a4d0ccbf	f9aa9c4870d65ee57f130dfe8ed7317e603e73359522702b26ca443dd37cd95f
30	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	940a0512520b462da48e465e051cce4c	{"agent":"support-bot","args":{"subject":"10% off","to":"a@example.com"},"call_id":"00ac37323a104a3591a30ea53323c551","confidence":0.95,"expires_at":null,"mode":"override","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_email","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"send_email","urgency":"normal"}	f9aa9c4870d65ee57f130dfe8ed7317e603e73359522702b26ca443dd37cd95f	eedf95b1c4e73021a06c3d5c1d556344c10eba3c24871bd3d6c12217f5e550cc
31	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	940a0512520b462da48e465e051cce4c	{"args":{"subject":"10% off","to":"a@example.com"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	eedf95b1c4e73021a06c3d5c1d556344c10eba3c24871bd3d6c12217f5e550cc	a37bd669948ec9819f98b51b8049c743f308e3f580b0565b15c52aef9b16106e
32	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	940a0512520b462da48e465e051cce4c	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"sent '10% off' to a@example.com","window_ends_at":"2026-11-20T09:10:00+00:00"}	a37bd669948ec9819f98b51b8049c743f308e3f580b0565b15c52aef9b16106e	69d1271b58b790440ac8718e56ac9bd2df65033d87685c7f7740e11be7df1628
33	2026-11-20T09:00:00+00:00	human:alice	action.undo_requested	940a0512520b462da48e465e051cce4c	{"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","window_ends_at":"2026-11-20T09:10:00+00:00"}	69d1271b58b790440ac8718e56ac9bd2df65033d87685c7f7740e11be7df1628	f597514005ad1a5d05a835e6727000c0eac64508c6a15322ea86b97c6f88f035
34	2026-11-20T09:00:00+00:00	system	action.undo_started	940a0512520b462da48e465e051cce4c	{"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	f597514005ad1a5d05a835e6727000c0eac64508c6a15322ea86b97c6f88f035	bd835f845ef51c0215870a0836b5d28b2e805a3962e8e2d5c275658cfcbdd698
35	2026-11-20T09:00:00+00:00	system	action.undone	940a0512520b462da48e465e051cce4c	{"outcome":"undone","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"recalled '10% off' from a@example.com"}	bd835f845ef51c0215870a0836b5d28b2e805a3962e8e2d5c275658cfcbdd698	17e5aba3b6670d54bff6bb27bc3784189ac287eaeabb5b9d0b7fe9e27bfa7f87
36	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	6fa28d949dbd402c9f015de92700dcb9	{"agent":"support-bot","args":{"subject":"Welcome","to":"b@example.com"},"call_id":"c6e2c0c77f3948cd99ea3fccf14823fe","confidence":0.95,"expires_at":null,"mode":"override","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: send_email","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"send_email","urgency":"normal"}	17e5aba3b6670d54bff6bb27bc3784189ac287eaeabb5b9d0b7fe9e27bfa7f87	28d41b2bd4205c0650c62b408fcdb3f7e43f1d24ae733fea29c728fe6bb4dd82
37	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	6fa28d949dbd402c9f015de92700dcb9	{"args":{"subject":"Welcome","to":"b@example.com"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	28d41b2bd4205c0650c62b408fcdb3f7e43f1d24ae733fea29c728fe6bb4dd82	bb21f1feb797da785526b525a59cb5dcaa25e8b7f71b92f65d9f310c16f6cfa4
38	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	6fa28d949dbd402c9f015de92700dcb9	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"sent 'Welcome' to b@example.com","window_ends_at":"2026-11-20T09:10:00+00:00"}	bb21f1feb797da785526b525a59cb5dcaa25e8b7f71b92f65d9f310c16f6cfa4	cfec0f5f66f56c8e0241e93f932915836fd07043b2bae07f5c70dbb8bdb6d35d
39	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	beb5e7d47af8485b972a10d39a9ace3d	{"agent":"support-bot","args":{"amount":20,"order":"O-1"},"call_id":"c5baa9df8c134db68bb57e66a19cdc92","confidence":0.95,"expires_at":null,"mode":"shadow","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: issue_credit","reasons":["risk medium, reversible yes \\u2192 override","rule credit-in-shadow (true) \\u2192 shadow"],"run_at":null,"status":"shadowed","subject":"T-42","thread":null,"tool":"issue_credit","urgency":"normal"}	cfec0f5f66f56c8e0241e93f932915836fd07043b2bae07f5c70dbb8bdb6d35d	05f90220f8a6dd36ad184ccf08ff46f8181ab86fbf2c0d60e2b70735d269e884
40	2026-11-20T09:00:00+00:00	agent:support-bot	shadow.agent_recorded	beb5e7d47af8485b972a10d39a9ace3d	{"action_id":"beb5e7d47af8485b972a10d39a9ace3d","args":{"amount":20,"order":"O-1"},"error":null,"subject":"T-42","tool":"issue_credit"}	05f90220f8a6dd36ad184ccf08ff46f8181ab86fbf2c0d60e2b70735d269e884	7ea10c26ba60fe376bd45f04af72ca9b48e06963c09c81ea04d5aa296524bd52
41	2026-11-20T09:00:00+00:00	human:desk	shadow.human_recorded	beb5e7d47af8485b972a10d39a9ace3d	{"args":{"amount":20,"order":"O-1"},"subject":"T-42","tool":"issue_credit"}	7ea10c26ba60fe376bd45f04af72ca9b48e06963c09c81ea04d5aa296524bd52	e883d99ab5e1207a1961112c47f559c4924a6fd918ca7d58faf48473ea4d53ec
42	2026-11-20T09:00:00+00:00	system	shadow.compared	beb5e7d47af8485b972a10d39a9ace3d	{"case":"ba109d06b5c9474791310e33edc008aa","detail":"same tool and arguments","result":"agree","subject":"T-42"}	e883d99ab5e1207a1961112c47f559c4924a6fd918ca7d58faf48473ea4d53ec	8b00dbf26b0502e8700861354c5959e326513b561f7c57c6d6ce802e446ed1e5
43	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	c032fd3515584deb9bdbb38ca0b08fa3	{"agent":"support-bot","args":{"amount":5,"order":"O-2"},"call_id":"46a66f7a2bbe41ef92f3a50704f4ba9c","confidence":0.95,"expires_at":null,"mode":"shadow","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: issue_credit","reasons":["risk medium, reversible yes \\u2192 override","rule credit-in-shadow (true) \\u2192 shadow"],"run_at":null,"status":"shadowed","subject":"T-43","thread":null,"tool":"issue_credit","urgency":"normal"}	8b00dbf26b0502e8700861354c5959e326513b561f7c57c6d6ce802e446ed1e5	d6afc7b81e9e257b80305c974756336d4b6ba2e5156e9e08f6f729413afc27c8
44	2026-11-20T09:00:00+00:00	agent:support-bot	shadow.agent_recorded	c032fd3515584deb9bdbb38ca0b08fa3	{"action_id":"c032fd3515584deb9bdbb38ca0b08fa3","args":{"amount":5,"order":"O-2"},"error":null,"subject":"T-43","tool":"issue_credit"}	d6afc7b81e9e257b80305c974756336d4b6ba2e5156e9e08f6f729413afc27c8	6366bf35ee047b04774b2bc1624c313d2f56501503dd8bbb5cce7d8f05e1e8a6
47	2026-11-20T12:00:00+00:00	system	action.finalized	6fa28d949dbd402c9f015de92700dcb9	{"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","window_ended_at":"2026-11-20T09:10:00+00:00"}	5691f409e7dc1dfef423ee56c87bc2aef8be61ca08e1f6af72621acaa67c36a5	d4246206244a8151f7cff23ea4059b7af3ecf3fe4830ec87575c2c05c4372d0a
48	2026-11-20T12:00:00+00:00	system	action.expired	c29f798868d84bfb88f85f8d7332155c	{"expired_at":"2026-11-20T11:00:00+00:00","outcome":"expired","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	d4246206244a8151f7cff23ea4059b7af3ecf3fe4830ec87575c2c05c4372d0a	2956f419d45b20d0ba3dafc73f0c75c784ccea22313b7a1bd8629691fb463708
49	2026-11-20T12:00:00+00:00	agent:support-bot	action.proposed	0eaa9d7685c44909a7da772615689c17	{"agent":"support-bot","args":{"title":"Release notes"},"call_id":"c68c41d3efa74194b5d0c1d041e4b5e6","confidence":0.95,"expires_at":null,"mode":"override","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:10:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	2956f419d45b20d0ba3dafc73f0c75c784ccea22313b7a1bd8629691fb463708	10213e55745510267af7d4990d850d75589e8b945c0e9eb01a347953ff98c485
50	2026-11-20T12:11:00+00:00	agent:support-bot	action.started	0eaa9d7685c44909a7da772615689c17	{"args":{"title":"Release notes"},"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	10213e55745510267af7d4990d850d75589e8b945c0e9eb01a347953ff98c485	44ccc9b92cda41742d82138a5f5158cb79a3c5f34491e1ae9c169840d40d480d
51	2026-11-20T12:11:00+00:00	agent:support-bot	action.executed	0eaa9d7685c44909a7da772615689c17	{"outcome":"executed","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","result":"published Release notes"}	44ccc9b92cda41742d82138a5f5158cb79a3c5f34491e1ae9c169840d40d480d	d68047b3e4fff9f1b472a6045cecc5d4df780663d401356c626978914c4df08d
52	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	792f5580e1514b97927323a9cd50cf40	{"agent":"support-bot","args":{"title":"Draft that leaked"},"call_id":"b75b8f9aaba44f7aaa389f57661f2737","confidence":0.95,"expires_at":null,"mode":"override","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:21:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	d68047b3e4fff9f1b472a6045cecc5d4df780663d401356c626978914c4df08d	9a77816f3257c8d9ee17175ff13eaed89d20065149954a8507380fbd6a182b9e
53	2026-11-20T12:11:00+00:00	human:bob	action.vetoed	792f5580e1514b97927323a9cd50cf40	{"policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","window_ends_at":"2026-11-20T12:21:00+00:00"}	9a77816f3257c8d9ee17175ff13eaed89d20065149954a8507380fbd6a182b9e	bb45e7007eee2ff9e60dbbb32ea72312506a57f16c5b6b6b0b3eb16c8cf98331
54	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	4e375d160abf4b4cb1cca1f1fae6e7e7	{"agent":"support-bot","args":{"title":"Tomorrow's post"},"call_id":"a05a299fbcf5487b9d8ccf25256abdee","confidence":0.95,"expires_at":null,"mode":"override","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:21:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	bb45e7007eee2ff9e60dbbb32ea72312506a57f16c5b6b6b0b3eb16c8cf98331	1444e44042aac37a3b4bc3b28ed034e18e21ce8408c11e16172cf9ba37221a06
55	2026-11-20T12:11:00+00:00	human:alice	action.incident	ac937926f4d04ec19e1866cb30ecbfbd	{"lane":"support-bot/cancel_order","note":"cancelled the wrong order","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52"}	1444e44042aac37a3b4bc3b28ed034e18e21ce8408c11e16172cf9ba37221a06	30a603d030bce0c0bdf58a69e0e81ea3ee04e18296e897d0eb8d1126dc122cc5
56	2026-11-20T12:11:00+00:00	system	lane.demoted	\N	{"evidence":{"accuracy":0.0,"cases":1,"days_without_critical":0.0,"override_rate":null,"review_p99_seconds":null},"from":"notify","lane":"support-bot/cancel_order","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","reason":"critical error: cancelled the wrong order","to":"approve"}	30a603d030bce0c0bdf58a69e0e81ea3ee04e18296e897d0eb8d1126dc122cc5	ec0bbee5a71a1c6f04b07bfa147bc69a5edebd3d57edadc148610d31e855736e
57	2026-11-20T12:11:00+00:00	human:ada	lane.demoted	\N	{"evidence":{"accuracy":null,"cases":0,"days_without_critical":null,"override_rate":null,"review_p99_seconds":null},"from":"auto","lane":"support-bot/classify_ticket","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","reason":"new ticket categories","to":"override"}	ec0bbee5a71a1c6f04b07bfa147bc69a5edebd3d57edadc148610d31e855736e	7ff792c1e8e8f3c77ccda233f4ea76f5b91b3a17c32f38595c8dd71b69253662
58	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":["finance"],"name":"alice","role":"reviewer","token":"4febf78a8a1f"}	7ff792c1e8e8f3c77ccda233f4ea76f5b91b3a17c32f38595c8dd71b69253662	7cb0597d8bd99b2218bb4f55da1392b207ae906d00c0d50c2208e3f899d5c477
59	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"bot","role":"agent","token":"23ebd8721ba7"}	7cb0597d8bd99b2218bb4f55da1392b207ae906d00c0d50c2208e3f899d5c477	c1bf8ecbea0874e5b9de985a0f57715fbb77aa25708db7d9c5dde236b1793014
60	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"ada","role":"admin","token":"52aa7abb771b"}	c1bf8ecbea0874e5b9de985a0f57715fbb77aa25708db7d9c5dde236b1793014	3e85cd69663cdf0d44fdd86aa7a6c7b65483de58d6980f74a1b2e554e3812a44
61	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"mallory","role":"reviewer","token":"9305d6bc6be4"}	3e85cd69663cdf0d44fdd86aa7a6c7b65483de58d6980f74a1b2e554e3812a44	96c445edc98d55b8d21508c1f171d65a55eca100948f92ccaa6e458d892455fd
62	2026-11-20T12:11:00+00:00	human:ada	token.revoked	\N	{"token":"mallory"}	96c445edc98d55b8d21508c1f171d65a55eca100948f92ccaa6e458d892455fd	496b07bdcd8a83d05713eed45c887aedf84f2859bea99b531d543111f844ea9a
63	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	e2953ea3db5e40978d09bc7c894e9f14	{"agent":"support-bot","args":{"user":"u-100"},"call_id":"bc50a5afcee14072abe6aabc710675c6","confidence":0.95,"expires_at":"2026-11-21T12:11:00+00:00","mode":"approve","policy":"fcf183043c7dd91333c95bef31b5940cec16a6886a062b9e41fc5666c2e97b52","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"normal"}	496b07bdcd8a83d05713eed45c887aedf84f2859bea99b531d543111f844ea9a	7b7ad332a761c4d8382c5bcbac313f0e8a0b0037e26a2282db0770bc10fc11b3
\.


--
-- Data for Name: audit_head; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_head (id, seq, hash) FROM stdin;
1	63	7b7ad332a761c4d8382c5bcbac313f0e8a0b0037e26a2282db0770bc10fc11b3
\.


--
-- Data for Name: incidents; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.incidents (id, action_id, agent, tool, note, by, at, finding) FROM stdin;
22738aa00e5147e8aba93e5e5ecd56ec	ac937926f4d04ec19e1866cb30ecbfbd	support-bot	cancel_order	cancelled the wrong order	alice	1795176660	critical
\.


--
-- Data for Name: lanes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.lanes (agent, tool, level, breaker, breaker_at) FROM stdin;
support-bot	cancel_order	approve	\N	\N
support-bot	classify_ticket	override	\N	\N
\.


--
-- Data for Name: nonces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.nonces (key, at) FROM stdin;
\.


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.outbox (id, seq, action_id, kind, channel, recipient, status, attempts, created_at, next_at, only_if_pending, last_error, sent_at, claimed_by, lease_until) FROM stdin;
03e1485e169a3c9eb956a5fc	51	0eaa9d7685c44909a7da772615689c17	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
0bf87b396b34d56758f5f47b	16	f39c88b113bd42c6a61f158fe6236347	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
3782e07b19f3422af08d6c4a	18	9f87ed351da842d59335ce46403666ae	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
43325ee629fc658360162f5b	29	c29f798868d84bfb88f85f8d7332155c	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
48b6d73a6f73bfb6914173bb	11	4513c099cd0d4d719e3108eeb8ebb895	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
60c3961871d9eb3995e3f8df	20	a41d829ecf6a491db4b72ee698d9e31f	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
6459466efa7ce697c17505eb	28	512485134459453bb47b65e6625148e4	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
70666a3f0a2671b78b419beb	23	a41d829ecf6a491db4b72ee698d9e31f	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
95ab5cac5a4ecd8e002c531c	6	ac937926f4d04ec19e1866cb30ecbfbd	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
cb159d445927ae570e505a77	26	98bd34045e5242a58d226bc27ddbecf8	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
e7a28b64cfc0c97b13bdc997	24	30ffa129ed6948e586da95a8d133b53b	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
f2eaffcb7f428139088dbda7	15	4513c099cd0d4d719e3108eeb8ebb895	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
15235a901aa4ba44d0caa68f	63	e2953ea3db5e40978d09bc7c894e9f14	approval_needed	ops	\N	pending	0	1795176660	1795176660	0	\N	\N	\N	\N
\.


--
-- Data for Name: outbox_cursor; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.outbox_cursor (id, seq) FROM stdin;
1	63
\.


--
-- Data for Name: secrets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.secrets (name, value) FROM stdin;
email-links	c05a3d0211c4ca53db6a9d795884e1a54a8de44ef308f9d1a5bd70b74c8e83c0
\.


--
-- Data for Name: shadow_cases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.shadow_cases (id, subject, created_at, agent, has_agent, agent_tool, agent_args, agent_action_id, agent_confidence, agent_error, has_human, human_tool, human_args, human_by, result, detail, compared_at) FROM stdin;
ba109d06b5c9474791310e33edc008aa	T-42	1795165200	support-bot	1	issue_credit	{"amount": 20, "order": "O-1"}	beb5e7d47af8485b972a10d39a9ace3d	0.95	\N	1	issue_credit	{"amount": 20, "order": "O-1"}	desk	agree	same tool and arguments	1795165200
c14c327736444cf38c60ceba30fbea13	T-43	1795165200	support-bot	1	issue_credit	{"amount": 5, "order": "O-2"}	c032fd3515584deb9bdbb38ca0b08fa3	0.95	\N	1	\N	{}	desk	false_positive	the agent proposed issue_credit; the human took no action	1795165200
\.


--
-- Data for Name: tether_schema; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tether_schema (version, applied_at) FROM stdin;
1	1796124325.4920745
2	1796124325.588934
3	1796124325.5988228
4	1796124325.6070588
5	1796124325.6209571
6	1796124325.6284199
7	1796124325.644136
8	1796124325.6484897
9	1796124325.663956
10	1796124325.6793823
11	1796124325.6922033
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tokens (id, name, role, groups, digest, created_at, revoked_at) FROM stdin;
4febf78a8a1f	alice	reviewer	["finance"]	b37819491f4fa0d93b1b84ccdb779ddb6334d259c9a8660967cd05334a6d4f91	1795176660	\N
23ebd8721ba7	bot	agent	[]	051d4430942c6a6b32414484dc9c47a4bb277bafd73507201dac35dc90625b4f	1795176660	\N
52aa7abb771b	ada	admin	[]	b132ee00d55537e8fff23fd6e82861de38283c922501b4ddd3a4c2ce27a90613	1795176660	\N
9305d6bc6be4	mallory	reviewer	[]	f6b981fd7882fa6d129fab4ec08a9ebb61e6b7bede0fc375ffcae38d7d7cd1f7	1795176660	1795176660
\.


--
-- Data for Name: usage; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.usage (id, limit_id, agent, tool, at, amount) FROM stdin;
\.


--
-- Name: tether_schema_version_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tether_schema_version_seq', 1, false);


--
-- Name: usage_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.usage_id_seq', 1, false);


--
-- Name: actions actions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_pkey PRIMARY KEY (id);


--
-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq);


--
-- Name: audit_head audit_head_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_head
    ADD CONSTRAINT audit_head_pkey PRIMARY KEY (id);


--
-- Name: incidents incidents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);


--
-- Name: lanes lanes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lanes
    ADD CONSTRAINT lanes_pkey PRIMARY KEY (agent, tool);


--
-- Name: nonces nonces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nonces
    ADD CONSTRAINT nonces_pkey PRIMARY KEY (key);


--
-- Name: outbox_cursor outbox_cursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox_cursor
    ADD CONSTRAINT outbox_cursor_pkey PRIMARY KEY (id);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: secrets secrets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.secrets
    ADD CONSTRAINT secrets_pkey PRIMARY KEY (name);


--
-- Name: shadow_cases shadow_cases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shadow_cases
    ADD CONSTRAINT shadow_cases_pkey PRIMARY KEY (id);


--
-- Name: tether_schema tether_schema_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tether_schema
    ADD CONSTRAINT tether_schema_pkey PRIMARY KEY (version);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);


--
-- Name: usage usage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.usage
    ADD CONSTRAINT usage_pkey PRIMARY KEY (id);


--
-- Name: ix_actions_agent_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_agent_created ON public.actions USING btree (agent, created_at, id);


--
-- Name: ix_actions_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_created ON public.actions USING btree (created_at, id);


--
-- Name: ix_actions_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_expiry ON public.actions USING btree (expires_at) WHERE ((status)::text = 'pending'::text);


--
-- Name: ix_actions_inbox; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_inbox ON public.actions USING btree (status, urgency, created_at, id);


--
-- Name: ix_actions_lane; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_lane ON public.actions USING btree (agent, tool, created_at);


--
-- Name: ix_actions_lease; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_lease ON public.actions USING btree (lease_until) WHERE ((status)::text = ANY ((ARRAY['running'::character varying, 'undoing'::character varying])::text[]));


--
-- Name: ix_actions_run; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_run ON public.actions USING btree (run_at) WHERE ((status)::text = 'deferred'::text);


--
-- Name: ix_actions_status_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_status_created ON public.actions USING btree (status, created_at);


--
-- Name: ix_actions_window; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_window ON public.actions USING btree (window_ends_at) WHERE (((status)::text = 'executed'::text) AND (window_ends_at IS NOT NULL));


--
-- Name: ix_audit_action; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_action ON public.audit_events USING btree (action_id, seq);


--
-- Name: ix_incidents_lane; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_incidents_lane ON public.incidents USING btree (agent, tool, at);


--
-- Name: ix_outbox_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_due ON public.outbox USING btree (status, next_at);


--
-- Name: ix_shadow_subject; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_shadow_subject ON public.shadow_cases USING btree (subject, created_at);


--
-- Name: ix_usage_window; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_usage_window ON public.usage USING btree (limit_id, agent, tool, at);


--
-- Name: ux_actions_call; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_actions_call ON public.actions USING btree (agent, call_id);


--
-- PostgreSQL database dump complete
--

\unrestrict FKRPfB8PAnri7Qxg0ScpefPBLfe1LBzJKjxmvzq9R0uFErSeVtXMXOr5qH4Efkg

