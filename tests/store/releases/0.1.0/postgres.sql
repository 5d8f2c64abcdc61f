--
-- PostgreSQL database dump
--

\restrict fk5PFgOlAkFMwMLn22gSBlzePdretDlxjHktk4GZl8fO1VXmUrPNVHMwup70x8s

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
de6a0178d90242b38aa35cdab3548eb6	1795165200	1795165200	support-bot	classify_ticket	\N	\N	08d1845dd221450296d296c8bb504333	ticket work: classify_ticket	0.95	{"category": "billing", "ticket": "T-1"}	{"mode": "auto", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	auto	normal	executed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	"T-1 filed under billing"	\N	\N	\N	\N	\N	\N	0	gate-ab2df6b2f19e:3c7faad5	\N	\N	1	\N	\N
72434e357820426c9b717bffce63065d	1795165200	1795165200	support-bot	cancel_order	\N	\N	df805b2905b54d47a31b9a274a44b958	ticket work: cancel_order	0.95	{"order": "O-7"}	{"mode": "notify", "reasons": [{"step": "matrix", "ref": "high/partial", "mode": "notify", "text": "risk high, reversible partial \\u2192 notify"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "notify", "trips": null, "charges": []}	notify	normal	executed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	"cancelled O-7"	\N	\N	\N	\N	\N	\N	0	gate-ab2df6b2f19e:ed4dc836	\N	\N	1	\N	\N
344913e69d404c4c881cc3bf649e9594	1795165200	1795165200	support-bot	sync_crm	\N	\N	62a3d29d99f34c039f4bb2760bddf1ca	ticket work: sync_crm	0.95	{"account": "A-3"}	{"mode": "auto", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	auto	normal	failed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	ConnectionError: CRM unreachable	\N	\N	\N	\N	\N	0	gate-ab2df6b2f19e:115ef53a	\N	\N	1	\N	\N
8e6ce97721bc4b1bbcae8c824be1e33d	1795165200	1795165200	support-bot	wipe_disk	\N	\N	f5b6a193086f4a518177ed596b88f283	ticket work: wipe_disk	0.95	{"host": "db-1"}	{"mode": "deny", "reasons": [{"step": "matrix", "ref": "low/yes", "mode": "auto", "text": "risk low, reversible yes \\u2192 auto"}, {"step": "rule", "ref": "never-wipe", "mode": "deny", "text": "rule never-wipe (true) \\u2192 deny"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "auto", "trips": null, "charges": []}	deny	normal	denied	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
04274c0c17334427b6c426700bf9dd64	1795165200	1795165200	support-bot	transfer_funds	\N	\N	a853c711b0d94698958e76f8f5dd8d28	ticket work: transfer_funds	0.95	{"account": "A-1", "amount": 120.5}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 2, "window": null, "timeout": 14400.0, "on_timeout": "reject", "reviewers": "finance", "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	executed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	{"kind": "approve", "by": "bob", "note": ""}	1795165200	"sent 120.5 to A-1"	\N	\N	1795179600	[{"kind": "approve", "by": "alice", "note": "matches the invoice"}, {"kind": "approve", "by": "bob", "note": ""}]	\N	finance	0	gate-ab2df6b2f19e:9b26720c	\N	\N	4	\N	\N
a04a3bb50a13429790c6ecdac74621e5	1795165200	1795165200	support-bot	transfer_funds	\N	\N	f31679ed417845e1a3c4e4e198aa953f	ticket work: transfer_funds	0.95	{"account": "A-2", "amount": 9000.0}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 2, "window": null, "timeout": 14400.0, "on_timeout": "reject", "reviewers": "finance", "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	pending	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	1795179600	[{"kind": "approve", "by": "alice", "note": "one of two"}]	\N	finance	0	\N	\N	\N	1	\N	\N
10344739c8e4485d9c797c600f53b9d7	1795165200	1795165200	support-bot	delete_user_data	\N	\N	6d9f9d082af04710b02626099dff4023	ticket work: delete_user_data	0.95	{"user": "u-17"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	rejected	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	{"kind": "reject", "by": "bob", "note": "legal hold on this account"}	1795165200	\N	\N	\N	1795251600	\N	\N	\N	0	\N	\N	\N	1	\N	\N
9e9043d65dd144e9a80a64fd97a8dc5b	1795165200	1795165200	support-bot	send_user_notification	\N	\N	724a08ead7064dbeab04f6551b956567	ticket work: send_user_notification	0.95	{"text": "Your refund is on its way!!!", "user": "u-3"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	executed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	{"kind": "edit", "by": "alice", "args": {"text": "Your refund is on its way.", "user": "u-3"}, "note": "tone"}	1795165200	"notified u-3"	\N	\N	1795172400	[{"kind": "edit", "by": "alice", "args": {"text": "Your refund is on its way.", "user": "u-3"}, "note": "tone"}]	\N	\N	0	gate-ab2df6b2f19e:558bac70	\N	\N	3	\N	\N
c4fdcde6303441348fcabcafcd1416d6	1795165200	1795165200	support-bot	send_user_notification	\N	\N	04bb198766b640e58e2ca33e4d6daf28	ticket work: send_user_notification	0.95	{"text": "Account closed", "user": "u-4"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	responded	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	{"kind": "respond", "by": "bob", "message": "Do not close it; ask the customer first."}	1795165200	\N	\N	\N	1795172400	\N	\N	\N	0	\N	\N	\N	1	\N	\N
1d2bb165ccc94e24bfcddaaec12adcf8	1795165200	1795165200	support-bot	send_user_notification	\N	\N	f851234ecd494bc0804baf09e4d2e230	ticket work: send_user_notification	0.95	{"text": "Password reset", "user": "u-5"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	approved	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	{"kind": "approve", "by": "alice", "note": ""}	1795165200	\N	\N	\N	1795172400	[{"kind": "approve", "by": "alice", "note": ""}]	\N	\N	0	\N	\N	\N	1	\N	\N
3171674b9d7f4202a5a16713dff94283	1795165200	1795165200	support-bot	delete_user_data	\N	\N	eacf1d53101e4a519c6be8b3660674eb	ticket work: delete_user_data	0.55	{"user": "u-99"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}, {"step": "confidence", "ref": "0.6", "mode": "approve", "text": "confidence 0.55 is below 0.60 (urgent)"}], "alert": true, "urgency": "high", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	high	pending	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	1795251600	\N	\N	\N	0	\N	\N	\N	0	\N	\N
92215162007d413cb4ae73cc474b7b98	1795165200	1795165200	support-bot	send_email	\N	\N	86a3b3c635ee4c6580bccde3a4198e16	ticket work: send_email	0.95	{"subject": "10% off", "to": "a@example.com"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	undone	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	"sent '10% off' to a@example.com"	\N	1795165800	\N	\N	\N	\N	0	gate-ab2df6b2f19e:6d8adcdc	\N	{"by": "alice", "requested_at": 1795165200.0, "result": "recalled '10% off' from a@example.com", "error": null}	4	\N	\N
f0ca6ae993644ecfa55f27a4269a4551	1795165200	1795165200	support-bot	issue_credit	\N	T-42	a387b759e5ee4909947fea7494af41c5	ticket work: issue_credit	0.95	{"amount": 20, "order": "O-1"}	{"mode": "shadow", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}, {"step": "rule", "ref": "credit-in-shadow", "mode": "shadow", "text": "rule credit-in-shadow (true) \\u2192 shadow"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	shadow	normal	shadowed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
1abd7f72955344c2b6f3972117b663fd	1795165200	1795165200	support-bot	issue_credit	\N	T-43	0fd4b985b6424ec68532af6796a4671d	ticket work: issue_credit	0.95	{"amount": 5, "order": "O-2"}	{"mode": "shadow", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}, {"step": "rule", "ref": "credit-in-shadow", "mode": "shadow", "text": "rule credit-in-shadow (true) \\u2192 shadow"}], "alert": false, "urgency": "normal", "quorum": 1, "window": null, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	shadow	normal	shadowed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	\N	\N	\N	\N	0	\N	\N	\N	0	\N	\N
c4eb3666a1be47c08249f47b09be5048	1795165200	1795176000	support-bot	send_user_notification	\N	\N	f6b6c12214d24044a013dec207fedeb1	ticket work: send_user_notification	0.95	{"text": "Survey", "user": "u-6"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "high/no", "mode": "approve", "text": "risk high, reversible no \\u2192 approve"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 7200.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	expired	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	1795172400	\N	\N	\N	0	\N	\N	\N	1	sweep-9ab52851bee6	1795176060
3d0c8f63df0643e9907ec4e41f81215d	1795165200	1795176000	support-bot	send_email	\N	\N	6c34dcf4c30a4f4a81581f988b7c5eac	ticket work: send_email	0.95	{"subject": "Welcome", "to": "b@example.com"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	finalized	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	"sent 'Welcome' to b@example.com"	\N	1795165800	\N	\N	\N	\N	0	gate-ab2df6b2f19e:a85fd72b	\N	\N	2	sweep-9ab52851bee6	1795176060
475a994750c544fa9ce09806299d7b27	1795176000	1795176660	support-bot	publish_post	\N	\N	b9f10778dc424e729aa312919162f408	ticket work: publish_post	0.95	{"title": "Release notes"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	executed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	"published Release notes"	\N	\N	\N	\N	1795176600	\N	0	gate-ab2df6b2f19e:50e18583	\N	\N	2	\N	\N
cc195acbf4674e0a8b8f75adc9389cdd	1795176660	1795176660	support-bot	publish_post	\N	\N	e2144c4ee9a04537a791dfd3370ac2d3	ticket work: publish_post	0.95	{"title": "Draft that leaked"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	vetoed	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	\N	\N	1795177260	\N	0	\N	\N	{"by": "bob", "requested_at": 1795176660.0, "result": null, "error": null}	1	\N	\N
c19b316f15e44680a542b1ef5432375c	1795176660	1795176660	support-bot	publish_post	\N	\N	43805d458a834fdab7df8d608c384837	ticket work: publish_post	0.95	{"title": "Tomorrow's post"}	{"mode": "override", "reasons": [{"step": "matrix", "ref": "medium/yes", "mode": "override", "text": "risk medium, reversible yes \\u2192 override"}], "alert": true, "urgency": "normal", "quorum": 1, "window": 600.0, "timeout": null, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": false, "ceiling": "override", "trips": null, "charges": []}	override	normal	deferred	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	\N	\N	1795177260	\N	0	\N	\N	\N	0	\N	\N
c07fbf606830416f84b5bd00140e2711	1795176660	1795176660	support-bot	delete_user_data	\N	\N	6db086e57a8c4bf19079e5f3d9484508	ticket work: delete_user_data	0.95	{"user": "u-100"}	{"mode": "approve", "reasons": [{"step": "matrix", "ref": "critical/no", "mode": "approve", "text": "risk critical, reversible no \\u2192 approve (locked: a human is always required)"}], "alert": true, "urgency": "normal", "quorum": 1, "window": null, "timeout": 86400.0, "on_timeout": "reject", "reviewers": null, "escalate_to": null, "locked": true, "ceiling": "approve", "trips": null, "charges": []}	approve	normal	pending	9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27	\N	\N	\N	\N	\N	1795263060	\N	\N	\N	0	\N	\N	\N	0	\N	\N
\.


--
-- Data for Name: audit_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_events (seq, at, actor, kind, action_id, body, prev_hash, hash) FROM stdin;
1	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	de6a0178d90242b38aa35cdab3548eb6	{"agent":"support-bot","args":{"category":"billing","ticket":"T-1"},"call_id":"08d1845dd221450296d296c8bb504333","confidence":0.95,"expires_at":null,"mode":"auto","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: classify_ticket","reasons":["risk low, reversible yes \\u2192 auto"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"classify_ticket","urgency":"normal"}	0000000000000000000000000000000000000000000000000000000000000000	2aa035795f000c642e8324eec2e75edc48d153aaf811ba1309480bfbc3618863
2	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	de6a0178d90242b38aa35cdab3548eb6	{"args":{"category":"billing","ticket":"T-1"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	2aa035795f000c642e8324eec2e75edc48d153aaf811ba1309480bfbc3618863	912c5bebf58063e213aabdbced8669fc2af3328b6fe79ef27a6514fc8ca22a3e
3	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	de6a0178d90242b38aa35cdab3548eb6	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"T-1 filed under billing"}	912c5bebf58063e213aabdbced8669fc2af3328b6fe79ef27a6514fc8ca22a3e	2edf6a4e1ea019d7bb16705362bbd293a5940803667b54743ab4cc5504e94ae7
4	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	72434e357820426c9b717bffce63065d	{"agent":"support-bot","args":{"order":"O-7"},"call_id":"df805b2905b54d47a31b9a274a44b958","confidence":0.95,"expires_at":null,"mode":"notify","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: cancel_order","reasons":["risk high, reversible partial \\u2192 notify"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"cancel_order","urgency":"normal"}	2edf6a4e1ea019d7bb16705362bbd293a5940803667b54743ab4cc5504e94ae7	35cddd4185b5527289ede8ffce82e2af9da6203571ce2e4993fe40759f911149
5	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	72434e357820426c9b717bffce63065d	{"args":{"order":"O-7"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	35cddd4185b5527289ede8ffce82e2af9da6203571ce2e4993fe40759f911149	b35fb05442396af36a5782e590a6acc2b5f6aaff4b0211ebe4ce766258f13057
6	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	72434e357820426c9b717bffce63065d	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"cancelled O-7"}	b35fb05442396af36a5782e590a6acc2b5f6aaff4b0211ebe4ce766258f13057	4f4674bdb8b99fa82358969b0deabc99ae046a34a7344f4167c075226b03d01e
7	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	344913e69d404c4c881cc3bf649e9594	{"agent":"support-bot","args":{"account":"A-3"},"call_id":"62a3d29d99f34c039f4bb2760bddf1ca","confidence":0.95,"expires_at":null,"mode":"auto","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: sync_crm","reasons":["risk low, reversible yes \\u2192 auto"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"sync_crm","urgency":"normal"}	4f4674bdb8b99fa82358969b0deabc99ae046a34a7344f4167c075226b03d01e	225aa5da430498f9f65a73e213a14c6e7b0ee0b0cf2e6fc50a924e65b1f82763
8	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	344913e69d404c4c881cc3bf649e9594	{"args":{"account":"A-3"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	225aa5da430498f9f65a73e213a14c6e7b0ee0b0cf2e6fc50a924e65b1f82763	aa366ec0c246f43cceb70e584dc659db09d5544865cf9932f708fa703969fd44
9	2026-11-20T09:00:00+00:00	agent:support-bot	action.failed	344913e69d404c4c881cc3bf649e9594	{"error":"ConnectionError: CRM unreachable","outcome":"failed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	aa366ec0c246f43cceb70e584dc659db09d5544865cf9932f708fa703969fd44	dfda68c3a9d6a9549d9912495ce39ce26cb4103d70f209f5c2ce64a1a48dd26a
10	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	8e6ce97721bc4b1bbcae8c824be1e33d	{"agent":"support-bot","args":{"host":"db-1"},"call_id":"f5b6a193086f4a518177ed596b88f283","confidence":0.95,"expires_at":null,"mode":"deny","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: wipe_disk","reasons":["risk low, reversible yes \\u2192 auto","rule never-wipe (true) \\u2192 deny"],"run_at":null,"status":"denied","subject":null,"thread":null,"tool":"wipe_disk","urgency":"normal"}	dfda68c3a9d6a9549d9912495ce39ce26cb4103d70f209f5c2ce64a1a48dd26a	ca7e44e6e637e9402257627ea6ae13707be0e193f9f5099be01e74945c7c3168
11	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	04274c0c17334427b6c426700bf9dd64	{"agent":"support-bot","args":{"account":"A-1","amount":120.5},"call_id":"a853c711b0d94698958e76f8f5dd8d28","confidence":0.95,"expires_at":"2026-11-20T13:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":2,"reasoning":"ticket work: transfer_funds","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"transfer_funds","urgency":"normal"}	ca7e44e6e637e9402257627ea6ae13707be0e193f9f5099be01e74945c7c3168	7866e8541310a12688949fa17a7e3ada49529de747ac952fc3782de3e4087864
12	2026-11-20T09:00:00+00:00	human:alice	action.approved	04274c0c17334427b6c426700bf9dd64	{"approvals":1,"decision":"approve","note":"matches the invoice","outcome":"pending","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":2}	7866e8541310a12688949fa17a7e3ada49529de747ac952fc3782de3e4087864	1fc100c8722815216903edd86a312b67366ef9389f7ed8c7b93fa361289da268
13	2026-11-20T09:00:00+00:00	human:bob	action.approved	04274c0c17334427b6c426700bf9dd64	{"approvals":2,"decision":"approve","note":"","outcome":"approved","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":2}	1fc100c8722815216903edd86a312b67366ef9389f7ed8c7b93fa361289da268	3ac87be8ea4b923a9edc17a3e7b4bc542160b1ecf36b11045f44d7bf34294e5e
14	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	04274c0c17334427b6c426700bf9dd64	{"args":{"account":"A-1","amount":120.5},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	3ac87be8ea4b923a9edc17a3e7b4bc542160b1ecf36b11045f44d7bf34294e5e	dd3571f6634ba6f4dd2d6f3edd59b7b50f4bf40f3b637daed5bc278f4d30bc5c
15	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	04274c0c17334427b6c426700bf9dd64	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"sent 120.5 to A-1"}	dd3571f6634ba6f4dd2d6f3edd59b7b50f4bf40f3b637daed5bc278f4d30bc5c	84b7895a71f0fe3926a3fa75eb5caa3fa5c86955e3d1040ab79e960e4fb6b1a2
45	2026-11-20T09:00:00+00:00	human:desk	shadow.human_recorded	1abd7f72955344c2b6f3972117b663fd	{"args":{},"subject":"T-43","tool":null}	c92d4000d9f00caa15f7e7ba0a56e2315a540a2d0221d9d675d6a9e82fabf56a	80a315075ebffe9c01806eb065865fa51392a1d9d916717c533f6e045d820fb6
16	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	a04a3bb50a13429790c6ecdac74621e5	{"agent":"support-bot","args":{"account":"A-2","amount":9000.0},"call_id":"f31679ed417845e1a3c4e4e198aa953f","confidence":0.95,"expires_at":"2026-11-20T13:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":2,"reasoning":"ticket work: transfer_funds","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"transfer_funds","urgency":"normal"}	84b7895a71f0fe3926a3fa75eb5caa3fa5c86955e3d1040ab79e960e4fb6b1a2	84bd37518094244664edd68ae01027fa92b7e5577b259b8660af587f6716267c
17	2026-11-20T09:00:00+00:00	human:alice	action.approved	a04a3bb50a13429790c6ecdac74621e5	{"approvals":1,"decision":"approve","note":"one of two","outcome":"pending","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":2}	84bd37518094244664edd68ae01027fa92b7e5577b259b8660af587f6716267c	dbd2b1d0d7b153aea73387c7dee8e3c1fcef0c65bcf39aa1416d20e77332ec81
18	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	10344739c8e4485d9c797c600f53b9d7	{"agent":"support-bot","args":{"user":"u-17"},"call_id":"6d9f9d082af04710b02626099dff4023","confidence":0.95,"expires_at":"2026-11-21T09:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"normal"}	dbd2b1d0d7b153aea73387c7dee8e3c1fcef0c65bcf39aa1416d20e77332ec81	8e82538380cfc7ae2015eeb1a4ba51d69eeff64713cfd7b7dda7aabe5753ee98
19	2026-11-20T09:00:00+00:00	human:bob	action.rejected	10344739c8e4485d9c797c600f53b9d7	{"decision":"reject","note":"legal hold on this account","outcome":"rejected","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	8e82538380cfc7ae2015eeb1a4ba51d69eeff64713cfd7b7dda7aabe5753ee98	8f168138cbc70ecf9223cc9e2bc9788f4dc3d00ac1b2c47021caa291e7360e1f
20	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	9e9043d65dd144e9a80a64fd97a8dc5b	{"agent":"support-bot","args":{"text":"Your refund is on its way!!!","user":"u-3"},"call_id":"724a08ead7064dbeab04f6551b956567","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	8f168138cbc70ecf9223cc9e2bc9788f4dc3d00ac1b2c47021caa291e7360e1f	a0a8c28697c93fdc019eac949526c297fe9388be03708f9ceb6295f8ccaab2c5
21	2026-11-20T09:00:00+00:00	human:alice	action.edited	9e9043d65dd144e9a80a64fd97a8dc5b	{"args":{"text":"Your refund is on its way.","user":"u-3"},"decision":"edit","note":"tone","original_args":{"text":"Your refund is on its way!!!","user":"u-3"},"outcome":"approved","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	a0a8c28697c93fdc019eac949526c297fe9388be03708f9ceb6295f8ccaab2c5	fa23d20813b674fd83e0c861b224b6f24f11ba189b82f629ce36ca63e9b1da00
22	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	9e9043d65dd144e9a80a64fd97a8dc5b	{"args":{"text":"Your refund is on its way.","user":"u-3"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	fa23d20813b674fd83e0c861b224b6f24f11ba189b82f629ce36ca63e9b1da00	314fea375546d9c8f7b666cf7b241e085946661583c8cab1b3994554726a2e7c
23	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	9e9043d65dd144e9a80a64fd97a8dc5b	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"notified u-3"}	314fea375546d9c8f7b666cf7b241e085946661583c8cab1b3994554726a2e7c	17e433b5bd2819d43f55cc3f9405b150dd27225358e333cebc0025b6c3ae4bdb
24	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	c4fdcde6303441348fcabcafcd1416d6	{"agent":"support-bot","args":{"text":"Account closed","user":"u-4"},"call_id":"04bb198766b640e58e2ca33e4d6daf28","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	17e433b5bd2819d43f55cc3f9405b150dd27225358e333cebc0025b6c3ae4bdb	4d27511aa5b089feb089e21ade6f02d4ccfdd95fc411566942a29355c158e8a2
25	2026-11-20T09:00:00+00:00	human:bob	action.responded	c4fdcde6303441348fcabcafcd1416d6	{"decision":"respond","message":"Do not close it; ask the customer first.","outcome":"responded","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	4d27511aa5b089feb089e21ade6f02d4ccfdd95fc411566942a29355c158e8a2	84830e8edb34c04538915f93af8de62bfe26c6d93b8ba542d99e44232c777f3b
26	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	1d2bb165ccc94e24bfcddaaec12adcf8	{"agent":"support-bot","args":{"text":"Password reset","user":"u-5"},"call_id":"f851234ecd494bc0804baf09e4d2e230","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	84830e8edb34c04538915f93af8de62bfe26c6d93b8ba542d99e44232c777f3b	44d080b2b98d311889af347cc06dc1ea0c377ecc58b003e2b69ce151c021fb6d
27	2026-11-20T09:00:00+00:00	human:alice	action.approved	1d2bb165ccc94e24bfcddaaec12adcf8	{"decision":"approve","note":"","outcome":"approved","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	44d080b2b98d311889af347cc06dc1ea0c377ecc58b003e2b69ce151c021fb6d	76b19b1e4f0e9a317aa6cc51c27fff50eccffc205bbe63dccf61a9297424a522
28	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	3171674b9d7f4202a5a16713dff94283	{"agent":"support-bot","args":{"user":"u-99"},"call_id":"eacf1d53101e4a519c6be8b3660674eb","confidence":0.55,"expires_at":"2026-11-21T09:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)","confidence 0.55 is below 0.60 (urgent)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"high"}	76b19b1e4f0e9a317aa6cc51c27fff50eccffc205bbe63dccf61a9297424a522	2909b67fbf527db28a9a5b368cbf420c88afde500d8789087e197932608b02a1
46	2026-11-20T09:00:00+00:00	system	shadow.compared	1abd7f72955344c2b6f3972117b663fd	{"case":"ec0c6f6932e943d9aecb9daf0ba67210","detail":"the agent proposed issue_credit; the human took no action","result":"false_positive","subject":"T-43"}	80a315075ebffe9c01806eb065865fa51392a1d9d916717c533f6e045d820fb6	36fb7e219302f59f893d61af2d8054b17d85818f25ae77934c62bae165c0ea84
29	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	c4eb3666a1be47c08249f47b09be5048	{"agent":"support-bot","args":{"text":"Survey","user":"u-6"},"call_id":"f6b6c12214d24044a013dec207fedeb1","confidence":0.95,"expires_at":"2026-11-20T11:00:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_user_notification","reasons":["risk high, reversible no \\u2192 approve"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"send_user_notification","urgency":"normal"}	2909b67fbf527db28a9a5b368cbf420c88afde500d8789087e197932608b02a1	e72e9458158132bb6fbe09f74a263b688b8aa69de473ed08e490059b384df3e5
30	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	92215162007d413cb4ae73cc474b7b98	{"agent":"support-bot","args":{"subject":"10% off","to":"a@example.com"},"call_id":"86a3b3c635ee4c6580bccde3a4198e16","confidence":0.95,"expires_at":null,"mode":"override","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_email","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"send_email","urgency":"normal"}	e72e9458158132bb6fbe09f74a263b688b8aa69de473ed08e490059b384df3e5	8004806fd31fa191284a25eab8e5c70bca039705a175a7babbee54074f59a6ca
31	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	92215162007d413cb4ae73cc474b7b98	{"args":{"subject":"10% off","to":"a@example.com"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	8004806fd31fa191284a25eab8e5c70bca039705a175a7babbee54074f59a6ca	358406f16c32d722c2461269d882ca00d11828caffe07f0699bf4bcd914fe559
32	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	92215162007d413cb4ae73cc474b7b98	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"sent '10% off' to a@example.com","window_ends_at":"2026-11-20T09:10:00+00:00"}	358406f16c32d722c2461269d882ca00d11828caffe07f0699bf4bcd914fe559	b5d688fc793ba30d880fc5e7ee2c20b594115b82a70435a35ebd9604970a840e
33	2026-11-20T09:00:00+00:00	human:alice	action.undo_requested	92215162007d413cb4ae73cc474b7b98	{"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","window_ends_at":"2026-11-20T09:10:00+00:00"}	b5d688fc793ba30d880fc5e7ee2c20b594115b82a70435a35ebd9604970a840e	0c19446a25cdc971e909c7f98da2d4654f3ffc8934b95cf52c7caa07ef587e71
34	2026-11-20T09:00:00+00:00	system	action.undo_started	92215162007d413cb4ae73cc474b7b98	{"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	0c19446a25cdc971e909c7f98da2d4654f3ffc8934b95cf52c7caa07ef587e71	0762eb0c1177e9b03585b83d9a9c3b3e07656615eb65f957a970399a0266acc8
35	2026-11-20T09:00:00+00:00	system	action.undone	92215162007d413cb4ae73cc474b7b98	{"outcome":"undone","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"recalled '10% off' from a@example.com"}	0762eb0c1177e9b03585b83d9a9c3b3e07656615eb65f957a970399a0266acc8	385ada5fae2fe046e0312572257a8c876c188630d3e5f7d17b235dc512e077cf
36	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	3d0c8f63df0643e9907ec4e41f81215d	{"agent":"support-bot","args":{"subject":"Welcome","to":"b@example.com"},"call_id":"6c34dcf4c30a4f4a81581f988b7c5eac","confidence":0.95,"expires_at":null,"mode":"override","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: send_email","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":null,"status":"running","subject":null,"thread":null,"tool":"send_email","urgency":"normal"}	385ada5fae2fe046e0312572257a8c876c188630d3e5f7d17b235dc512e077cf	fc00cb820d9c9e83fd325d42239b5e3bc1f857904910c59c367f4fd3759ea1c7
37	2026-11-20T09:00:00+00:00	agent:support-bot	action.started	3d0c8f63df0643e9907ec4e41f81215d	{"args":{"subject":"Welcome","to":"b@example.com"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	fc00cb820d9c9e83fd325d42239b5e3bc1f857904910c59c367f4fd3759ea1c7	e82b3adf10a9867397bbf33d1d55693f8f0baa5cd17d234c0440778222afa0e3
38	2026-11-20T09:00:00+00:00	agent:support-bot	action.executed	3d0c8f63df0643e9907ec4e41f81215d	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"sent 'Welcome' to b@example.com","window_ends_at":"2026-11-20T09:10:00+00:00"}	e82b3adf10a9867397bbf33d1d55693f8f0baa5cd17d234c0440778222afa0e3	c1bcb57cbf1792f2822a2c8a2b3c460cc3d6c91ab8b7ddc2f6b5125c4112ede9
39	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	f0ca6ae993644ecfa55f27a4269a4551	{"agent":"support-bot","args":{"amount":20,"order":"O-1"},"call_id":"a387b759e5ee4909947fea7494af41c5","confidence":0.95,"expires_at":null,"mode":"shadow","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: issue_credit","reasons":["risk medium, reversible yes \\u2192 override","rule credit-in-shadow (true) \\u2192 shadow"],"run_at":null,"status":"shadowed","subject":"T-42","thread":null,"tool":"issue_credit","urgency":"normal"}	c1bcb57cbf1792f2822a2c8a2b3c460cc3d6c91ab8b7ddc2f6b5125c4112ede9	30b1cdddc67237f24aaad63e518321cf114c2f45ca5593c90947d4d0447a28b9
40	2026-11-20T09:00:00+00:00	agent:support-bot	shadow.agent_recorded	f0ca6ae993644ecfa55f27a4269a4551	{"action_id":"f0ca6ae993644ecfa55f27a4269a4551","args":{"amount":20,"order":"O-1"},"error":null,"subject":"T-42","tool":"issue_credit"}	30b1cdddc67237f24aaad63e518321cf114c2f45ca5593c90947d4d0447a28b9	f2d57ee191c2ebbb1aaa6f3ffa37163ead570262314cdd1cd9e742a60dbc7a91
41	2026-11-20T09:00:00+00:00	human:desk	shadow.human_recorded	f0ca6ae993644ecfa55f27a4269a4551	{"args":{"amount":20,"order":"O-1"},"subject":"T-42","tool":"issue_credit"}	f2d57ee191c2ebbb1aaa6f3ffa37163ead570262314cdd1cd9e742a60dbc7a91	3a4403d852f43722a506970c2811071b2ca547637107bebdc1911f3b720de9ee
42	2026-11-20T09:00:00+00:00	system	shadow.compared	f0ca6ae993644ecfa55f27a4269a4551	{"case":"81adb9fa154d4b6eaad52c963e215ae0","detail":"same tool and arguments","result":"agree","subject":"T-42"}	3a4403d852f43722a506970c2811071b2ca547637107bebdc1911f3b720de9ee	1fe7ba476913e1393603e861d1b2185a3f4b33aff5bf7e3fe15fdae0cc456277
43	2026-11-20T09:00:00+00:00	agent:support-bot	action.proposed	1abd7f72955344c2b6f3972117b663fd	{"agent":"support-bot","args":{"amount":5,"order":"O-2"},"call_id":"0fd4b985b6424ec68532af6796a4671d","confidence":0.95,"expires_at":null,"mode":"shadow","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: issue_credit","reasons":["risk medium, reversible yes \\u2192 override","rule credit-in-shadow (true) \\u2192 shadow"],"run_at":null,"status":"shadowed","subject":"T-43","thread":null,"tool":"issue_credit","urgency":"normal"}	1fe7ba476913e1393603e861d1b2185a3f4b33aff5bf7e3fe15fdae0cc456277	c83a1e75005f31076db6766a6c3ff65c61b47cc91dd507f5b80e17c4c148614a
44	2026-11-20T09:00:00+00:00	agent:support-bot	shadow.agent_recorded	1abd7f72955344c2b6f3972117b663fd	{"action_id":"1abd7f72955344c2b6f3972117b663fd","args":{"amount":5,"order":"O-2"},"error":null,"subject":"T-43","tool":"issue_credit"}	c83a1e75005f31076db6766a6c3ff65c61b47cc91dd507f5b80e17c4c148614a	c92d4000d9f00caa15f7e7ba0a56e2315a540a2d0221d9d675d6a9e82fabf56a
47	2026-11-20T12:00:00+00:00	system	action.finalized	3d0c8f63df0643e9907ec4e41f81215d	{"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","window_ended_at":"2026-11-20T09:10:00+00:00"}	36fb7e219302f59f893d61af2d8054b17d85818f25ae77934c62bae165c0ea84	a20ea16b8c4d095bdaa224fe77d5a118ca2490a7672e75551416adc081ec7211
48	2026-11-20T12:00:00+00:00	system	action.expired	c4eb3666a1be47c08249f47b09be5048	{"expired_at":"2026-11-20T11:00:00+00:00","outcome":"expired","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	a20ea16b8c4d095bdaa224fe77d5a118ca2490a7672e75551416adc081ec7211	f7a242053efb31231efc27da64da89241f2134d1ab424afbb83b3dc1a136b20a
49	2026-11-20T12:00:00+00:00	agent:support-bot	action.proposed	475a994750c544fa9ce09806299d7b27	{"agent":"support-bot","args":{"title":"Release notes"},"call_id":"b9f10778dc424e729aa312919162f408","confidence":0.95,"expires_at":null,"mode":"override","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:10:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	f7a242053efb31231efc27da64da89241f2134d1ab424afbb83b3dc1a136b20a	851d7c972d4c3022a2fd3478cc2e5c8da1a8df0ec998acb7574c3679eea6a322
50	2026-11-20T12:11:00+00:00	agent:support-bot	action.started	475a994750c544fa9ce09806299d7b27	{"args":{"title":"Release notes"},"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	851d7c972d4c3022a2fd3478cc2e5c8da1a8df0ec998acb7574c3679eea6a322	3fb94337d0308ae4c17f657642042f789e821989d966a27a87fddfe223f70507
51	2026-11-20T12:11:00+00:00	agent:support-bot	action.executed	475a994750c544fa9ce09806299d7b27	{"outcome":"executed","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","result":"published Release notes"}	3fb94337d0308ae4c17f657642042f789e821989d966a27a87fddfe223f70507	fb11291a07202d35741152f6af32f806226ad5dafff71b6b77aadd657530a94f
52	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	cc195acbf4674e0a8b8f75adc9389cdd	{"agent":"support-bot","args":{"title":"Draft that leaked"},"call_id":"e2144c4ee9a04537a791dfd3370ac2d3","confidence":0.95,"expires_at":null,"mode":"override","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:21:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	fb11291a07202d35741152f6af32f806226ad5dafff71b6b77aadd657530a94f	86cb1ffe7e439ba943ddea83772256a02461f5efc1795c2852fa9044531cc383
53	2026-11-20T12:11:00+00:00	human:bob	action.vetoed	cc195acbf4674e0a8b8f75adc9389cdd	{"policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","window_ends_at":"2026-11-20T12:21:00+00:00"}	86cb1ffe7e439ba943ddea83772256a02461f5efc1795c2852fa9044531cc383	a036e36cf06d0c975266f256affc7c4deac8915499480ce0a35ed4ee2a9b5d9d
54	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	c19b316f15e44680a542b1ef5432375c	{"agent":"support-bot","args":{"title":"Tomorrow's post"},"call_id":"43805d458a834fdab7df8d608c384837","confidence":0.95,"expires_at":null,"mode":"override","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: publish_post","reasons":["risk medium, reversible yes \\u2192 override"],"run_at":"2026-11-20T12:21:00+00:00","status":"deferred","subject":null,"thread":null,"tool":"publish_post","urgency":"normal"}	a036e36cf06d0c975266f256affc7c4deac8915499480ce0a35ed4ee2a9b5d9d	ceef9f193cabc37c9408f021a248a06c7330c891e18bd3a4f049b1267a8e8ae9
55	2026-11-20T12:11:00+00:00	human:alice	action.incident	72434e357820426c9b717bffce63065d	{"lane":"support-bot/cancel_order","note":"cancelled the wrong order","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27"}	ceef9f193cabc37c9408f021a248a06c7330c891e18bd3a4f049b1267a8e8ae9	15c9b636fd5d9511d575d9a741a0db7c0fe74a5755e4fd8cdf5499c1bd128b9d
56	2026-11-20T12:11:00+00:00	system	lane.demoted	\N	{"evidence":{"accuracy":0.0,"cases":1,"days_without_critical":0.0,"override_rate":null,"review_p99_seconds":null},"from":"notify","lane":"support-bot/cancel_order","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","reason":"critical error: cancelled the wrong order","to":"approve"}	15c9b636fd5d9511d575d9a741a0db7c0fe74a5755e4fd8cdf5499c1bd128b9d	48c41ae1c70bee348e260a09bbe3d5aa712b96e5dedc353f8f4a09845e157337
57	2026-11-20T12:11:00+00:00	human:ada	lane.demoted	\N	{"evidence":{"accuracy":null,"cases":0,"days_without_critical":null,"override_rate":null,"review_p99_seconds":null},"from":"auto","lane":"support-bot/classify_ticket","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","reason":"new ticket categories","to":"override"}	48c41ae1c70bee348e260a09bbe3d5aa712b96e5dedc353f8f4a09845e157337	8fdaf37f82b9d06f52c64d21eb0b135d9e8868257826400405609e76453e0b9a
58	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":["finance"],"name":"alice","role":"reviewer","token":"57c10764a1f1"}	8fdaf37f82b9d06f52c64d21eb0b135d9e8868257826400405609e76453e0b9a	296b8ad3e67fd9044926d7afd7683f0ca0bfb87125abe9539862044b2ea7e0b5
59	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"bot","role":"agent","token":"ab54754e808a"}	296b8ad3e67fd9044926d7afd7683f0ca0bfb87125abe9539862044b2ea7e0b5	e86471f64721e863c97ea1506510eed12d38e2b4a02ec71e9910a1c26333ce50
60	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"ada","role":"admin","token":"e281d1a714ed"}	e86471f64721e863c97ea1506510eed12d38e2b4a02ec71e9910a1c26333ce50	62a9777ae56557626cf77f9011a610c9d793c4500434a5d88be012267e106176
61	2026-11-20T12:11:00+00:00	human:ada	token.created	\N	{"groups":[],"name":"mallory","role":"reviewer","token":"c9f40be1dede"}	62a9777ae56557626cf77f9011a610c9d793c4500434a5d88be012267e106176	a0b70ef1ddb8a0414deb797ef54bf4142aca5c42b1d2a5749697023489ca6eb6
62	2026-11-20T12:11:00+00:00	human:ada	token.revoked	\N	{"token":"mallory"}	a0b70ef1ddb8a0414deb797ef54bf4142aca5c42b1d2a5749697023489ca6eb6	1286a83a556db26f1972eb7a8f7ecff95f9ec4de69e45142c5fd5358babeccfe
63	2026-11-20T12:11:00+00:00	agent:support-bot	action.proposed	c07fbf606830416f84b5bd00140e2711	{"agent":"support-bot","args":{"user":"u-100"},"call_id":"6db086e57a8c4bf19079e5f3d9484508","confidence":0.95,"expires_at":"2026-11-21T12:11:00+00:00","mode":"approve","policy":"9dea1196bbe9e1e6432e5840ce50d43eb3bfaea513615063684123c11a127b27","quorum":1,"reasoning":"ticket work: delete_user_data","reasons":["risk critical, reversible no \\u2192 approve (locked: a human is always required)"],"run_at":null,"status":"pending","subject":null,"thread":null,"tool":"delete_user_data","urgency":"normal"}	1286a83a556db26f1972eb7a8f7ecff95f9ec4de69e45142c5fd5358babeccfe	f6514f86fc2fa6031b22d5e737026f4ddc2ed56366354020436e7607b6dec593
\.


--
-- Data for Name: audit_head; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_head (id, seq, hash) FROM stdin;
1	63	f6514f86fc2fa6031b22d5e737026f4ddc2ed56366354020436e7607b6dec593
\.


--
-- Data for Name: incidents; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.incidents (id, action_id, agent, tool, note, by, at, finding) FROM stdin;
e8a10a8dc0184f5cb7a23ab7fe2b73ca	72434e357820426c9b717bffce63065d	support-bot	cancel_order	cancelled the wrong order	alice	1795176660	critical
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
2224c74b3daf2dc60f012b92	6	72434e357820426c9b717bffce63065d	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
33884675e90d43fb5b28ec47	20	9e9043d65dd144e9a80a64fd97a8dc5b	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
3b16bc1d3d8c36c5b425d315	29	c4eb3666a1be47c08249f47b09be5048	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
7752754447d4c97002b452b3	16	a04a3bb50a13429790c6ecdac74621e5	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
8e8c933a69a2f2e5901002c3	26	1d2bb165ccc94e24bfcddaaec12adcf8	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
999841a4b6b9274e5afc733a	18	10344739c8e4485d9c797c600f53b9d7	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
9d24b3c8164e4496d61d125b	28	3171674b9d7f4202a5a16713dff94283	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
b7507cfd899fc0919c7c58d8	51	475a994750c544fa9ce09806299d7b27	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
b819ebf6d2f81e4e15b09b58	15	04274c0c17334427b6c426700bf9dd64	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
dcc3529861a58212b10cc916	11	04274c0c17334427b6c426700bf9dd64	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
f4ab79f912ff3886f9666aed	24	c4fdcde6303441348fcabcafcd1416d6	approval_needed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
f76d8b290a74b43b72710d62	23	9e9043d65dd144e9a80a64fd97a8dc5b	alert_executed	ops	\N	sent	1	1795176660	1795176660	0	\N	1795176660	\N	\N
18edb6a00861820e15c844c4	63	c07fbf606830416f84b5bd00140e2711	approval_needed	ops	\N	pending	0	1795176660	1795176660	0	\N	\N	\N	\N
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
email-links	d8335b82111cc379ef2a8a67dedfcb6e5fd5b44db68bf00d98d2b4be3f5d97fe
\.


--
-- Data for Name: shadow_cases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.shadow_cases (id, subject, created_at, agent, has_agent, agent_tool, agent_args, agent_action_id, agent_confidence, agent_error, has_human, human_tool, human_args, human_by, result, detail, compared_at) FROM stdin;
81adb9fa154d4b6eaad52c963e215ae0	T-42	1795165200	support-bot	1	issue_credit	{"amount": 20, "order": "O-1"}	f0ca6ae993644ecfa55f27a4269a4551	0.95	\N	1	issue_credit	{"amount": 20, "order": "O-1"}	desk	agree	same tool and arguments	1795165200
ec0c6f6932e943d9aecb9daf0ba67210	T-43	1795165200	support-bot	1	issue_credit	{"amount": 5, "order": "O-2"}	1abd7f72955344c2b6f3972117b663fd	0.95	\N	1	\N	{}	desk	false_positive	the agent proposed issue_credit; the human took no action	1795165200
\.


--
-- Data for Name: tether_schema; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tether_schema (version, applied_at) FROM stdin;
1	1796124356.2257373
2	1796124356.2589233
3	1796124356.2624276
4	1796124356.26527
5	1796124356.2706223
6	1796124356.2728794
7	1796124356.277947
8	1796124356.2818346
9	1796124356.287199
10	1796124356.295564
11	1796124356.2999105
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tokens (id, name, role, groups, digest, created_at, revoked_at) FROM stdin;
57c10764a1f1	alice	reviewer	["finance"]	0f0cf343584c8db7451df746f0394370be8e14cd6f66d056310fd31911e07ee1	1795176660	\N
ab54754e808a	bot	agent	[]	966d4fc0c15a67731a111fc1a94405539dbbb5f82d119499f923fa39cf015881	1795176660	\N
e281d1a714ed	ada	admin	[]	2fca310b3ce6f2af16b9d3e521be717338e0615c98ecf1cba24a7672e78d420a	1795176660	\N
c9f40be1dede	mallory	reviewer	[]	4ad42185f38bb3549c122469b77cdf6a89a84ffaabaee6449ed635fdcbe691ba	1795176660	1795176660
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

\unrestrict fk5PFgOlAkFMwMLn22gSBlzePdretDlxjHktk4GZl8fO1VXmUrPNVHMwup70x8s

