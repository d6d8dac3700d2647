/* Everything is in the header; SwiftPM wants a C target to have a source file. */
#include "CMemoryHints.h"
