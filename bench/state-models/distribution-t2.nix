{ infrastructure }: { big = [ infrastructure.t2 ]; }
