// Placeholder until the kube-apiserver build lands (issue 4).
console.log('e2e: no binaries to prepare yet');
