/**
 * The detail model: one identity's findings, evidence, fixes, predicted replies and SPF include
 * tree as compact, sanitized, bounded data. The page embeds it as JSON (one inert
 * `<script type="application/json">` per identity) and builds DOM nodes from it, with
 * textContent only, when the identity is opened (page.js renderDetail).
 */
import { type SpfTreeNode, spfEvidenceOf } from '../../checks/spf/index.js';
import type { FleetIdentityRow } from '../../src/fleet/summary.js';
import type { Finding, PredictedReply, Report } from '../../src/report.js';
import { severityRank } from '../../src/report.js';
import { jsonForScript, truncateText, visible } from '../escape.js';
import {
  HTML_MAX_DETAIL_CHARS,
  HTML_MAX_EVIDENCE_CHARS,
  HTML_MAX_RANGES_PER_NODE,
  HTML_MAX_TREE_DEPTH,
  HTML_MAX_TREE_NODES,
} from './limits.js';
import { num, STATUS_RANK, str } from './values.js';

/** RFC 7208 4.6.4: the DNS-lookup budget the tree is measured against. */
const SPF_LOOKUP_LIMIT = 10;

interface DetailReply {
  provider: string;
  code: number;
  enhanced: string;
  permanent: boolean;
  bulkOnly: boolean;
  confidence: string;
  text: string;
  findings?: string[];
}
interface DetailFinding {
  id: string;
  severity: string;
  title: string;
  message: string;
  fix: string;
  evidence?: string;
  replies: DetailReply[];
}
interface DetailTreeNode {
  domain: string;
  status: string;
  lookups: number;
  subtreeLookups: number;
  ranges: string[];
  rangeCount: number;
  children: DetailTreeNode[];
}
interface Detail {
  key: string;
  target: Record<string, unknown>;
  error?: string;
  omitted?: string;
  replies: DetailReply[];
  spf?: {
    limit: number;
    totalLookups: number;
    worstChain: string[];
    truncated: boolean;
    incomplete: boolean;
    nodesOmitted: number;
    tree: DetailTreeNode;
  };
  checks: { id: string; title: string; status: string; error?: string; findings: DetailFinding[] }[];
}

/** A predicted reply of a finding, or of the report (which also lists the findings behind it). */
function detailReply(r: PredictedReply & { findings?: string[] }): DetailReply {
  const out: DetailReply = {
    provider: str(r.provider),
    code: num(r.code),
    enhanced: str(r.enhanced),
    permanent: Boolean(r.permanent),
    bulkOnly: Boolean(r.bulkOnly),
    confidence: str(r.confidence),
    text: str(r.text),
  };
  if (r.findings) out.findings = r.findings.slice(0, 50).map((f) => str(f));
  return out;
}

function evidenceText(evidence: unknown): string | undefined {
  if (evidence === undefined || evidence === null) return undefined;
  if (typeof evidence === 'object' && Object.keys(evidence).length === 0) return undefined;
  let json: string;
  try {
    json = JSON.stringify(evidence, null, 2) ?? '';
  } catch {
    json = '[unserializable]';
  }
  // Cut before making visible so a huge value costs no more than the bound.
  return truncateText(
    visible(json.slice(0, HTML_MAX_EVIDENCE_CHARS * 2), { multiline: true }),
    HTML_MAX_EVIDENCE_CHARS,
  );
}

function detailFinding(f: Finding, withEvidence: boolean): DetailFinding {
  const out: DetailFinding = {
    id: str(f.id),
    severity: str(f.severity),
    title: str(f.title),
    // A waived finding says so where it is read (schema 1.2).
    message: str(
      f.waived ? `${f.message} (waived: ${f.waived.reason}, until ${f.waived.expires})` : f.message,
    ),
    fix: str(f.remediation, true),
    replies: (f.predictedReplies ?? []).slice(0, 20).map(detailReply),
  };
  const ev = withEvidence ? evidenceText(f.evidence) : undefined;
  if (ev !== undefined) out.evidence = ev;
  return out;
}

/**
 * The SPF include tree of a report, bounded for the page. Read through the spf check's typed
 * accessor; a report read back from disk may still be partial, so every node is checked.
 */
function spfTreeOf(report: Report): Detail['spf'] | undefined {
  const ev = spfEvidenceOf(report);
  const root = ev?.tree;
  if (!ev || root === null || typeof root !== 'object') return undefined;
  let budget = HTML_MAX_TREE_NODES;
  let omitted = 0;
  const childrenOf = (n: SpfTreeNode): SpfTreeNode[] => (Array.isArray(n.children) ? n.children : []);
  const countAll = (n: SpfTreeNode, depth: number): number => {
    if (n === null || typeof n !== 'object' || depth > HTML_MAX_TREE_DEPTH) return 0;
    let c = 1;
    for (const k of childrenOf(n).slice(0, HTML_MAX_TREE_NODES)) c += countAll(k, depth + 1);
    return c;
  };
  const walk = (n: SpfTreeNode, depth: number): DetailTreeNode => {
    budget--;
    const ranges = Array.isArray(n.ranges) ? n.ranges : [];
    const node: DetailTreeNode = {
      domain: str(n.domain),
      status: str(n.status),
      lookups: num(n.lookups),
      subtreeLookups: num(n.subtreeLookups),
      ranges: ranges.slice(0, HTML_MAX_RANGES_PER_NODE).map((r) => str(r)),
      rangeCount: ranges.length,
      children: [],
    };
    for (const k of childrenOf(n)) {
      if (k === null || typeof k !== 'object') continue;
      if (budget <= 0 || depth >= HTML_MAX_TREE_DEPTH) {
        omitted += countAll(k, depth + 1);
        continue;
      }
      node.children.push(walk(k, depth + 1));
    }
    return node;
  };
  const tree = walk(root, 0);
  const chain = Array.isArray(ev.worstChain) ? ev.worstChain : [];
  return {
    limit: SPF_LOOKUP_LIMIT,
    totalLookups: num(ev.totalLookups ?? tree.subtreeLookups),
    worstChain: chain.slice(0, HTML_MAX_TREE_DEPTH + 1).map((d) => str(d)),
    truncated: Boolean(ev.truncated),
    incomplete: Boolean(ev.incomplete),
    nodesOmitted: omitted,
    tree,
  };
}

function buildDetail(key: string, report: Report, withEvidence: boolean, withTree: boolean): Detail {
  const t = report.target;
  const target: Record<string, unknown> = {
    domain: str(t.domain),
    ips: (t.ips ?? []).slice(0, 64).map((ip) => str(ip)),
    profile: str(t.profile),
  };
  if (t.helo !== undefined) target['helo'] = str(t.helo);
  if (t.mailFrom !== undefined) target['mailFrom'] = str(t.mailFrom);
  if (t.dkimDomain !== undefined) target['dkimDomain'] = str(t.dkimDomain);
  if (t.dkimSelectors) target['dkimSelectors'] = t.dkimSelectors.slice(0, 32).map((s) => str(s));
  const checks = Object.entries(report.checks)
    .sort(([a, x], [b, y]) => STATUS_RANK[x.status] - STATUS_RANK[y.status] || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, c]) => {
      const findings = [...c.findings]
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : 1))
        .map((f) => detailFinding(f, withEvidence));
      const out: Detail['checks'][number] = { id: str(id), title: str(c.title), status: c.status, findings };
      if (c.error !== undefined) out.error = str(c.error);
      return out;
    });
  const detail: Detail = {
    key: str(key),
    target,
    replies: report.predictedReplies.slice(0, 50).map(detailReply),
    checks,
  };
  const spf = withTree ? spfTreeOf(report) : undefined;
  if (spf) detail.spf = spf;
  return detail;
}

/** The embedded JSON of one identity, within HTML_MAX_DETAIL_CHARS (evidence, then tree dropped). */
export function detailJson(key: string, report: Report): string {
  let json = jsonForScript(buildDetail(key, report, true, true));
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  const lean = buildDetail(key, report, false, true);
  lean.omitted = 'Evidence left out to keep this page small; the JSON report has it all.';
  json = jsonForScript(lean);
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  const leaner = buildDetail(key, report, false, false);
  leaner.omitted = 'Evidence and the SPF tree left out to keep this page small; the JSON report has it all.';
  json = jsonForScript(leaner);
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  // Pathological: keep statuses and finding ids only.
  for (const c of leaner.checks) {
    c.findings = c.findings.slice(0, 20).map((f) => ({ ...f, message: '', fix: '', replies: [] }));
  }
  leaner.replies = [];
  leaner.omitted = 'Most details left out to keep this page small; the JSON report has them all.';
  return jsonForScript(leaner);
}

/** The embedded JSON of an identity no report could be made for: why, and its target. */
export function errorDetailJson(row: FleetIdentityRow): string {
  const detail: Detail = {
    key: str(row.key),
    target: { domain: str(row.domain), ips: (row.target?.ips ?? []).map((x) => str(x)) },
    error: str(row.error ?? 'no report'),
    replies: [],
    checks: [],
  };
  return jsonForScript(detail);
}
