// Integration and e2e suites wait on real brokers and databases (group joins, rebalances), and
// some unit suites read large data files; jest's `testTimeout` is a global-only option, so each
// project sets its own here.
jest.setTimeout(120_000);
