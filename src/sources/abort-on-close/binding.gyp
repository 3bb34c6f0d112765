{
  "targets": [
    {
      "target_name": "abort_on_close",
      "sources": ["abort_on_close.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
