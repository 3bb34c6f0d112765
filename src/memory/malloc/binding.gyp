{
  "targets": [
    {
      "target_name": "malloc_control",
      "sources": ["malloc_control.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
