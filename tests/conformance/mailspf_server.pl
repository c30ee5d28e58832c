#!/usr/bin/perl
# mailspf_server.pl - Mail::SPF (Debian spf-tools-perl / libmail-spf-perl) as a long-lived
# process for spf_differential.py: one request per line on stdin, "IP IDENTITY HELO"
# (tab-separated), one result per line on stdout: the result code Mail::SPF gives
# (pass fail softfail neutral none temperror permerror), or "exception: TEXT" when Mail::SPF
# throws instead of giving a result. It does what spfquery.mail-spf-perl does for one request
# (same Mail::SPF::Server defaults, scope mfrom), without loading Perl and Mail::SPF again per
# scenario (about 0.3 s each). Net::DNS reads /etc/resolv.conf once, at start.
use strict;
use warnings;
use Mail::SPF;

$| = 1;
my $server = Mail::SPF::Server->new();
while (my $line = <STDIN>) {
    chomp $line;
    my ($ip, $identity, $helo) = split /\t/, $line, 3;
    my $code = eval {
        my $request = Mail::SPF::Request->new(
            scope         => 'mfrom',
            identity      => $identity,
            ip_address    => $ip,
            helo_identity => $helo,
        );
        $server->process($request)->code;
    };
    if (defined $code) {
        print "$code\n";
    } else {
        my $error = ref($@) && $@->can('text') ? $@->text : "$@";
        $error =~ s/\s+/ /g;
        print "exception: $error\n";
    }
}
