/* OpenSSL's own verdict on one verification, for the trust tests (compiled at test time against
 * the same OpenSSL headers and libraries as the addon; see build/openssl.json).
 *
 * verify_oracle [-trusted F]... [-untrusted F]... [-crl F]... [-attime SECONDS] [-flags N]
 *               [-purpose N] [-depth N] [-host NAME] [-ip ADDR] [-email ADDR] [-policy OID]... LEAF
 * Files are PEM (possibly several objects) or DER. Prints "OK <chain length>" or
 * "ERR <code> <depth>", exit 0; exit 2 on a usage or load problem. */
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what) {
  fprintf(stderr, "oracle: %s\n", what);
  ERR_print_errors_fp(stderr);
  exit(2);
}

static void load_certs(const char *file, STACK_OF(X509) *out) {
  BIO *b = BIO_new_file(file, "rb");
  if (b == NULL) die(file);
  int n = 0;
  X509 *x;
  while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
    sk_X509_push(out, x);
    n++;
  }
  ERR_clear_error();
  if (n == 0) {
    BIO_reset(b);
    BIO_free(b);
    b = BIO_new_file(file, "rb");
    x = d2i_X509_bio(b, NULL);
    if (x == NULL) die(file);
    sk_X509_push(out, x);
  }
  BIO_free(b);
}

static void load_crls(const char *file, STACK_OF(X509_CRL) *out) {
  BIO *b = BIO_new_file(file, "rb");
  if (b == NULL) die(file);
  int n = 0;
  X509_CRL *c;
  while ((c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
    sk_X509_CRL_push(out, c);
    n++;
  }
  ERR_clear_error();
  if (n == 0) {
    BIO_free(b);
    b = BIO_new_file(file, "rb");
    c = d2i_X509_CRL_bio(b, NULL);
    if (c == NULL) die(file);
    sk_X509_CRL_push(out, c);
  }
  BIO_free(b);
}

int main(int argc, char **argv) {
  X509_STORE *store = X509_STORE_new();
  STACK_OF(X509) *trusted = sk_X509_new_null(), *untrusted = sk_X509_new_null(), *leafs = sk_X509_new_null();
  STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
  STACK_OF(ASN1_OBJECT) *policies = NULL;
  X509_VERIFY_PARAM *vpm = X509_VERIFY_PARAM_new();
  const char *leaf = NULL;
  int i;
  if (!store || !trusted || !untrusted || !crls || !vpm) die("alloc");
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] != '-') {
      leaf = a;
      continue;
    }
    if (v == NULL) die("missing value");
    i++;
    if (!strcmp(a, "-trusted")) load_certs(v, trusted);
    else if (!strcmp(a, "-untrusted")) load_certs(v, untrusted);
    else if (!strcmp(a, "-crl")) load_crls(v, crls);
    else if (!strcmp(a, "-attime")) X509_VERIFY_PARAM_set_time(vpm, (time_t)strtoll(v, NULL, 10));
    else if (!strcmp(a, "-flags")) X509_VERIFY_PARAM_set_flags(vpm, strtoul(v, NULL, 10));
    else if (!strcmp(a, "-purpose")) {
      if (!X509_VERIFY_PARAM_set_purpose(vpm, atoi(v))) die("purpose");
    } else if (!strcmp(a, "-depth")) X509_VERIFY_PARAM_set_depth(vpm, atoi(v));
    else if (!strcmp(a, "-host")) {
      if (!X509_VERIFY_PARAM_set1_host(vpm, v, 0)) die("host");
    } else if (!strcmp(a, "-ip")) {
      if (!X509_VERIFY_PARAM_set1_ip_asc(vpm, v)) die("ip");
    } else if (!strcmp(a, "-email")) {
      if (!X509_VERIFY_PARAM_set1_email(vpm, v, 0)) die("email");
    } else if (!strcmp(a, "-policy")) {
      ASN1_OBJECT *o = OBJ_txt2obj(v, 0);
      if (o == NULL) die("policy");
      if (policies == NULL) policies = sk_ASN1_OBJECT_new_null();
      sk_ASN1_OBJECT_push(policies, o);
    } else die(a);
  }
  if (leaf == NULL) die("no leaf");
  load_certs(leaf, leafs);
  if (policies != NULL && !X509_VERIFY_PARAM_set1_policies(vpm, policies)) die("set1_policies");
  for (i = 0; i < sk_X509_num(trusted); i++)
    if (!X509_STORE_add_cert(store, sk_X509_value(trusted, i))) die("add_cert");
  if (!X509_STORE_set1_param(store, vpm)) die("set1_param");
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  if (!X509_STORE_CTX_init(ctx, store, sk_X509_value(leafs, 0), untrusted)) die("ctx_init");
  if (sk_X509_CRL_num(crls) > 0) X509_STORE_CTX_set0_crls(ctx, crls);
  int r = X509_verify_cert(ctx);
  if (r == 1) printf("OK %d\n", sk_X509_num(X509_STORE_CTX_get0_chain(ctx)));
  else printf("ERR %d %d\n", X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx));
  return 0;
}
