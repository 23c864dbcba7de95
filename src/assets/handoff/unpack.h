#ifndef MRT_UNPACK_H
#define MRT_UNPACK_H

/* mrt-handoff --unpack ARGS: see unpack.c. */
int unpack_tar(int argc, char **argv);

#endif
