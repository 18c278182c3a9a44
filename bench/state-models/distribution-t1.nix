{ infrastructure }: { big = [ infrastructure.t1 ]; }
