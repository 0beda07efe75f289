// Every page type of the site, once. The accessibility, phone-width, screenshot and head-tag
// tests all walk this list, so a new page type is covered everywhere by adding one line here.

export const PAGES = [
  { name: 'timeline', path: '/' },
  { name: 'timeline-filtered', path: '/?official=gina-raimondo&topic=export-controls' },
  { name: 'timeline-in-force', path: '/?in_force=2024-01-01' },
  // The chart's stacking is a way of drawing the same events: the canonical address leaves it out.
  { name: 'timeline-by-month', path: '/?from=2023&to=2023&stack=kind', canonical: '/?from=2023-01-01&to=2023-12-31' },
  // With both governments' accounts, side by side.
  { name: 'event', path: '/events/raimondo-meets-li-qiang' },
  // A policy action: its phases as a small timeline.
  { name: 'policy-action', path: '/events/us-tightens-chip-export-controls-2023-10' },
  { name: 'officials', path: '/officials' },
  { name: 'official', path: '/officials/gina-raimondo' },
  { name: 'network', path: '/network' },
  { name: 'topics', path: '/topics' },
  { name: 'topic', path: '/topics/export-controls' },
  { name: 'organizations', path: '/organizations' },
  { name: 'organization', path: '/organizations/us-department-of-commerce' },
  { name: 'agreements', path: '/agreements' },
  { name: 'agreement', path: '/agreements/export-control-information-exchange' },
  // Two due windows, the status following one of them.
  { name: 'agreement-windows', path: '/agreements/tourism-meeting-early-2024' },
  { name: 'readouts', path: '/readouts' },
  { name: 'readouts-filtered', path: '/readouts?official=gina-raimondo&topic=export-controls' },
  { name: 'changes', path: '/changes' },
  { name: 'about', path: '/about' },
  { name: 'sources', path: '/sources' },
  { name: 'source', path: '/sources/raimondo-beijing-2023-08-29' },
  // A source recorded by the editors' summary points rather than its text.
  { name: 'source-summary', path: '/sources/mofcom-wang-raimondo-2023-08-28' },
  { name: 'search', path: '/search?q=tourism' },
  { name: 'api', path: '/api' },
  { name: 'not-found', path: '/no-such-page', status: 404 },
  { name: 'bad-request', path: '/?from=2023-09-01&to=2023-08-01', status: 400 },
];
