set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  add_compile_options(-Wall -Wextra -Werror=implicit-function-declaration -Wno-unused-parameter)
endif()

# Sanitizer builds (scripts/sanitize-check.sh): -DGDTLS_SANITIZE=address,undefined instruments every target here
# (the glue and the C parity runner). Frame pointers keep ASan's stack traces whole; the UBSan checks trap as
# errors instead of recovering, so a report always fails the run. Empty (the default): a normal build.
set(GDTLS_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined (empty: none)")
if(GDTLS_SANITIZE)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "GDTLS_SANITIZE needs gcc or clang, not ${CMAKE_C_COMPILER_ID}")
  endif()
  message(STATUS "Sanitizers: ${GDTLS_SANITIZE}")
  add_compile_options(-fsanitize=${GDTLS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all -g)
  add_link_options(-fsanitize=${GDTLS_SANITIZE})
endif()
