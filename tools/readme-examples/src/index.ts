export { describeExamples, type ExampleFiles, promisedOutput } from './describe-examples.js';
