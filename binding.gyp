# gyp's Makefile pastes paths into shell commands unquoted, so none may carry a space: the
# compiler and linker run in build/, and the Node-API headers and the version script are given
# relative to it; OpenSSL's flags come quoted from scripts/openssl-config.cjs (gyp-cflags,
# gyp-libs). A space in the project's path or in OPENSSL_DIR is fine.
{
  "variables": {
    "openssl_cflags": "<!(node scripts/openssl-config.cjs gyp-cflags)",
    "openssl_defines": "<!(node scripts/openssl-config.cjs defines)",
    "napi_include": "<!(node -p \"require('path').relative('build', require('node-addon-api').include_dir)\")",
    "napi_headers": "<!(node -p \"require('path').relative('build', require('node-api-headers').include_dir)\")"
  },
  "targets": [
    {
      "target_name": "openssl_napi",
      "sources": ["<!@(node -p \"require('./sources.json').sources.join(' ')\")"],
      "include_dirs!": [
        "<(node_root_dir)/include/node",
        "<(node_root_dir)/src",
        "<(node_root_dir)/deps/openssl/config",
        "<(node_root_dir)/deps/openssl/openssl/include",
        "<(node_root_dir)/deps/uv/include",
        "<(node_root_dir)/deps/zlib",
        "<(node_root_dir)/deps/v8/include"
      ],
      "include_dirs": ["native"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "OPENSSL_API_COMPAT=30000",
        "<(openssl_defines)"
      ],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20"],
      "cflags": ["<(openssl_cflags)", "-isystem", "<(napi_headers)", "-isystem", "<(napi_include)"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden", "-fno-exceptions"],
      "ldflags": ["-Wl,--version-script=../native/exports.map", "-Wl,-z,nodelete"],
      "libraries": ["<!@(node scripts/openssl-config.cjs gyp-libs)"]
    }
  ]
}
