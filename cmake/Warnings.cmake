# Project warnings as an INTERFACE target: link pg_warnings to opt a target in.
add_library(pg_warnings INTERFACE)
target_compile_options(pg_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                       -Wno-unused-parameter)
