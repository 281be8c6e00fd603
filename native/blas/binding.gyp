{
  "targets": [
    {
      "target_name": "cosearch_blas",
      "sources": ["src/blas.cc"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas"]
    }
  ]
}
