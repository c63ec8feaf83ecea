// Integration suites wait on real brokers and databases (group joins, rebalances); jest's
// `testTimeout` is a global-only option, so the integration project sets its own here.
jest.setTimeout(120_000);
