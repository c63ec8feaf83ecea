export { freePort } from '../../scripts/kafka-broker';
