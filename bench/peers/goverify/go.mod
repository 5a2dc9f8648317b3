module certkit.dev/bench/peers/goverify

go 1.21
