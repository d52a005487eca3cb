module ctrlmesh.io/e2e/bench/floor/go-reverse-proxy

go 1.26.0
