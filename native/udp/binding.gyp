{
  "targets": [
    {
      "target_name": "seedkeeper_udp",
      "sources": ["engine.cc"],
      "cflags_cc": ["-O2", "-std=gnu++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [["OS!='linux'", { "type": "none" }]]
    }
  ]
}
