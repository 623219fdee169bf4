// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Settlement: escrow for a model proven trained on a committed dataset,
/// proven to reach a held-out score, and delivered by fair exchange.
/// @notice A buyer opens an offer and locks the payment: the training set's
/// root, the held-out set's root, the initial model's commitment, the learning
/// rate, the schedule (batches per epoch, steps), the score to reach, and the
/// verifiers (gnark's exported Groth16 verifiers, pinned by code hash) of the
/// step circuit, of a K-step chain circuit (optional), of the score circuit
/// and of the delivery circuit. The contract keeps the terms as their hash:
/// they are in the Offered event, and every later call restates them (the
/// contract refuses terms of another hash). The seller submits the step proofs in order,
/// in one transaction or several (a transaction may carry at most 2^24 gas
/// since EIP-7825); the contract verifies every proof and checks the links
/// `potbench verify` checks (one dataset root, the sequential schedule, one
/// learning rate, each proof starting from the model the last one reached).
/// A chain may wrap past an epoch's end (chainWraps: one proof for every
/// epoch), and its last proof may carry the score too (chainScored: the
/// score's inputs but its model follow the chain's, sent with
/// proveScored), so that a whole run is one proof verified once; deliver
/// then takes no score proof.
///
/// Delivery is a zero-knowledge contingent payment in two transactions.
/// `deliver` carries the score proof of the final model and the delivery
/// proof: the final model's weights encrypted under a key k (a Poseidon2
/// keystream), the SHA-256 digest of k, and a proof that the ciphertext
/// decrypts under the key behind that digest to the model the score proof
/// scored. The ciphertext enters the proof as two public inputs the
/// contract derives from it (cipherEvaluation), whatever the model's size.
/// The delivery proof has one more public input, the deal
/// (dealOf: chain id, this contract, the offer, the payee), which the
/// contract supplies from its own state with msg.sender as payee: a proof
/// copied from the chain or the mempool is worth nothing to another sender
/// or for another offer. `settle` reveals k; the contract checks its
/// SHA-256 against the digest and pays the payee, and the buyer decrypts the
/// ciphertext of the `Delivered` event with the key of the `Settled` event.
/// Once k is revealed the model is readable by anyone who reads the chain.
///
/// Past the deadline an unsettled offer is refunded to the buyer, except
/// that a seller who proved every step by the deadline may still deliver and
/// settle during a grace period (GRACE) after it, so that a buyer cannot wait
/// out the transactions left; the refund comes only after that.
contract Settlement {
    struct Terms {
        uint256 datasetRoot;
        uint256 heldoutRoot;
        uint256 initialModel;
        uint256 learningRate; // fixed point, as the step proofs' public input
        uint64 batches; // per epoch: step s trains on batch s mod batches
        uint64 steps; // the whole schedule
        uint64 chainSteps; // K, the steps one chainVerifier proof covers (0: none)
        bool chainWraps; // a chain may pass an epoch's end (step s on batch s mod batches throughout)
        bool chainScored; // the run's last chain proof also proves the score (its inputs follow the chain's): proveScored
        uint64 heldoutRows; // rows of the held-out set, a public input of the score proof
        uint64 scoreInputs; // the score circuit's public inputs: 4 (correct answers) or 5 (summed loss, correct answers); folded, one fewer (no model)
        uint256 minCorrect; // held-out answers the final model must get right
        uint256 maxLossSum; // summed held-out loss it must stay within (0: no bound)
        address stepVerifier;
        address chainVerifier;
        address scoreVerifier;
        address deliveryVerifier;
        uint64 cipherElements; // the final model's ciphertext elements, as the delivery circuit takes them
        // the verifiers' runtime code, as the buyer compiled it from keys it
        // derived (potbench verify -ceremony): offer refuses any other code,
        // such as a contract whose fallback accepts every proof
        bytes32 stepCode;
        bytes32 chainCode;
        bytes32 scoreCode;
        bytes32 deliveryCode;
    }

    /// What the contract stores of an offer: the terms only as their hash
    /// (termsHash); the terms themselves are in the Offered event, and every
    /// call that needs them restates them, checked against the hash.
    /// Storing a hash in place of the terms' 16 slots is most of the offer's
    /// gas saved.
    struct Offer {
        address buyer;
        uint64 deadline;
        bool closed;
        address seller; // 0: anyone may settle
        uint64 step; // steps proven so far
        address payee; // who delivered (0: not yet)
        uint64 steps; // the whole schedule (the terms' steps), for refund; in payee's slot, so that deliver updates a slot already written
        uint256 payment;
        uint256 model; // the model the proven steps reached (the initial model's at first: the first proof's write is then a cheap update)
        bytes32 termsHash; // keccak256(abi.encode(terms))
        bytes32 keyDigest; // SHA-256 of the delivered ciphertext's key
    }

    /// One step proof (steps == 1) or chain proof (steps == chainSteps) with
    /// its public inputs: dataset root, first batch, learning rate, model
    /// before, model after. The contract appends the two it derives itself:
    /// the batches per epoch (which the dataset root binds) and, for a chain,
    /// its length K (which the chain circuit pins), so that a proof covers
    /// exactly the steps the contract counts for it.
    struct StepProof {
        uint64 steps;
        bytes proof;
        uint256[5] input;
    }

    /// The final model's score proof: inputs held-out root, its rows, model,
    /// [summed loss,] correct answers.
    struct ScoreProof {
        bytes proof;
        uint256[] input;
    }

    /// The final model, encrypted: its packed elements plus the keystream of
    /// the key whose SHA-256 is keyDigest, and the proof of it.
    struct Delivery {
        bytes proof;
        uint256[] cipher;
        bytes32 keyDigest;
    }

    /// Gas forwarded to one verifier call. An honest verification takes about
    /// 310,000-340,000; a malformed proof point makes the pairing precompile
    /// consume all the gas it is given, so the cap bounds what a bad proof
    /// costs the caller.
    /// A verifier with more than 8 public inputs (a chain proof carrying its
    /// score) gets INPUT_GAS more per input.
    uint256 public constant VERIFY_GAS = 500_000;
    uint256 public constant INPUT_GAS = 8_000;

    /// Time after the deadline during which a seller who proved every step
    /// may still settle (and the buyer may not take the payment back).
    uint64 public constant GRACE = 1 days;

    Offer[] internal offers;

    event Offered(uint256 indexed id, address indexed buyer, address seller, uint256 payment, Terms terms);
    event Proven(uint256 indexed id, uint64 step, uint256 model);
    event Delivered(uint256 indexed id, address indexed payee, bytes32 keyDigest, uint256[] cipher);
    event Settled(uint256 indexed id, address indexed payee, uint256 model, uint256 payment, uint256 key);
    event Refunded(uint256 indexed id, uint256 payment);

    error Closed(uint256 id);
    error NotSeller(address caller);
    error PastDeadline(uint64 deadline);
    error NotYet(uint64 deadline);
    error BadProof(uint256 index, string what);
    error Incomplete(uint64 proven, uint64 steps);
    error ScoreTooLow(string what);
    error LowGas(uint256 index, uint256 left);
    error AlreadyDelivered(uint256 id);
    error NotDelivered(uint256 id);
    error WrongKey(uint256 id);
    error NotTheTerms(uint256 id);

    /// Opens an offer; msg.value is the payment.
    function offer(Terms calldata t, address seller, uint64 deadline) external payable returns (uint256 id) {
        require(msg.value > 0, "no payment");
        require(t.batches > 0 && t.steps > 0 && t.heldoutRows > 0, "no schedule");
        // terms no run can meet would lock the payment until the deadline for nothing
        require(t.scoreInputs == 4 || t.scoreInputs == 5, "a score has 4 or 5 inputs");
        require(t.minCorrect <= t.heldoutRows, "more correct answers than held-out rows");
        require(t.maxLossSum == 0 || t.scoreInputs == 5, "a loss bound on a score that proves no loss");
        // a call to an address without code succeeds: it would accept any proof
        require(t.chainScored ? t.chainSteps > 1 : t.scoreVerifier.code.length > 0, "a score verifier without code");
        require(t.stepVerifier == address(0) || t.stepVerifier.code.length > 0, "a step verifier without code");
        require(t.chainSteps == 0 || (t.chainSteps > 1 && t.chainVerifier.code.length > 0), "a chain verifier without code");
        require(t.stepVerifier != address(0) || t.chainSteps != 0, "no step verifier");
        require(t.chainScored || t.scoreVerifier.codehash == t.scoreCode, "score verifier code differs from the terms'");
        require(t.stepVerifier == address(0) || t.stepVerifier.codehash == t.stepCode, "step verifier code differs from the terms'");
        require(t.chainSteps == 0 || t.chainVerifier.codehash == t.chainCode, "chain verifier code differs from the terms'");
        require(t.cipherElements > 0 && t.deliveryVerifier.code.length > 0, "a delivery verifier without code");
        require(t.deliveryVerifier.codehash == t.deliveryCode, "delivery verifier code differs from the terms'");
        // the terms' calldata is their canonical encoding, all of it: what the
        // restating calls hash (restated) is then exactly the terms
        bytes32 h = restated(4);
        require(h == keccak256(abi.encode(t)), "terms not canonically encoded");
        id = offers.length;
        offers.push(Offer(msg.sender, deadline, false, seller, 0, address(0), t.steps, msg.value, t.initialModel, h, bytes32(0)));
        emit Offered(id, msg.sender, seller, msg.value, t);
    }

    /// The terms and progress of an offer.
    function get(uint256 id) external view returns (Offer memory) {
        return offers[id];
    }

    /// Verifies the next step proofs of the run and records the model they
    /// reach; t restates the offer's terms. Under terms whose last chain
    /// proof carries the score, that proof goes to proveScored instead.
    function prove(uint256 id, Terms calldata t, StepProof[] calldata proofs) external {
        Offer storage o = open(id, t);
        uint64 step = o.step;
        uint256 model = o.model;
        for (uint256 i = 0; i < proofs.length; i++) {
            StepProof calldata p = proofs[i];
            if (t.chainScored && step + p.steps == t.steps) revert BadProof(i, "the last proof carries the score: proveScored");
            (address verifier, uint256[] memory input) = stepInput(t, step, model, p, i, 0);
            if (!verify(i, verifier, p.proof, input)) revert BadProof(i, "rejected by the verifier");
            model = p.input[4];
            step += p.steps;
        }
        o.step = step;
        o.model = model;
        emit Proven(id, step, model);
    }

    /// Verifies the run's last chain proof, which also proves the held-out
    /// score of the model it reaches (terms with chainScored): its inputs
    /// are the chain's, then the score's but its model (held-out root,
    /// rows, [summed loss,] correct answers: the circuit scores the chain's
    /// last model), checked against the terms as deliver checks a score
    /// proof's.
    function proveScored(uint256 id, Terms calldata t, StepProof calldata p, uint256[] calldata score) external {
        Offer storage o = open(id, t);
        if (!t.chainScored || p.steps != t.chainSteps) revert BadProof(0, "no score folded into a chain proof under these terms");
        if (o.step + p.steps != t.steps) revert BadProof(0, "not the run's last proof");
        checkFoldedScore(t, score);
        (address verifier, uint256[] memory chainIn) = stepInput(t, o.step, o.model, p, 0, score.length);
        for (uint256 j = 0; j < score.length; j++) {
            chainIn[7 + j] = score[j];
        }
        if (!verify(0, verifier, p.proof, chainIn)) revert BadProof(0, "rejected by the verifier");
        o.step = t.steps;
        o.model = p.input[4];
        emit Proven(id, o.step, o.model);
    }

    /// Checks a step or chain proof's inputs against the schedule, from the
    /// step and model reached, and returns its verifier and the inputs it is
    /// verified with (room left for extra inputs after the chain's).
    function stepInput(Terms calldata t, uint64 step, uint256 model, StepProof calldata p, uint256 i, uint256 extra)
        internal
        view
        returns (address verifier, uint256[] memory input)
    {
        uint64 batches = t.batches;
        if (p.steps == 1 && t.stepVerifier != address(0) && extra == 0) {
            verifier = t.stepVerifier;
        } else if (p.steps == t.chainSteps && p.steps > 1) { // chainSteps is 0 or above 1
            verifier = t.chainVerifier;
            if (!t.chainWraps && step % batches + p.steps > batches) revert BadProof(i, "a chain across an epoch's end");
        } else {
            revert BadProof(i, "no verifier for that many steps");
        }
        if (step + p.steps > t.steps) revert BadProof(i, "past the schedule");
        if (p.input[0] != t.datasetRoot) revert BadProof(i, "another dataset");
        if (p.input[1] != step % batches) revert BadProof(i, "not the scheduled batch");
        if (p.input[2] != t.learningRate) revert BadProof(i, "another learning rate");
        if (p.input[3] != model) revert BadProof(i, "not from the model reached");
        input = new uint256[]((p.steps == 1 ? 6 : 7) + extra);
        for (uint256 j = 0; j < 5; j++) {
            input[j] = p.input[j];
        }
        input[5] = batches;
        if (p.steps > 1) input[6] = p.steps;
    }

    /// The deal a delivery proof is made for: chain, contract, offer and
    /// payee, hashed below BN254's scalar field.
    function dealOf(uint256 id, address payee) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), id, payee))) >> 3;
    }

    /// Verifies the final model's held-out score and the delivery of its
    /// ciphertext, made for this deal with msg.sender as payee, and records
    /// the payee and the key's digest. Past the deadline, only within the
    /// grace period and only when every step was proven. t restates the
    /// offer's terms.
    function deliver(uint256 id, Terms calldata t, ScoreProof calldata score, Delivery calldata d) external {
        Offer storage o = offers[id];
        if (o.closed) revert Closed(id);
        if (restated(36) != o.termsHash) revert NotTheTerms(id);
        if (o.seller != address(0) && o.seller != msg.sender) revert NotSeller(msg.sender);
        if (o.payee != address(0)) revert AlreadyDelivered(id);
        if (o.step != t.steps) {
            if (block.timestamp > o.deadline) revert PastDeadline(o.deadline);
            revert Incomplete(o.step, t.steps);
        }
        if (block.timestamp > o.deadline + GRACE) revert PastDeadline(o.deadline + GRACE);
        if (!t.chainScored) checkScore(o, t, score); // else proven with the last step proof
        if (d.cipher.length != t.cipherElements) revert BadProof(1, "not the final model's size");
        uint256[] memory input = new uint256[](6);
        input[0] = o.model;
        input[1] = uint256(d.keyDigest) >> 128;
        input[2] = uint256(d.keyDigest) & type(uint128).max;
        input[3] = dealOf(id, msg.sender);
        (input[4], input[5]) = cipherEvaluation(input[0], d.keyDigest, input[3], d.cipher);
        if (!verify(1, t.deliveryVerifier, d.proof, input)) revert BadProof(1, "delivery rejected by the verifier");
        o.payee = msg.sender;
        o.keyDigest = d.keyDigest;
        emit Delivered(id, msg.sender, d.keyDigest, d.cipher);
    }

    /// BN254's scalar field, where the ciphertext's elements live.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// The delivery proof's view of the ciphertext (package circuits/delivery):
    /// the challenge rho = keccak256(model, key digest, deal, cipher...) >> 3
    /// and the evaluation rho^n + sum_j cipher[j] rho^j mod R, by Horner's rule.
    /// Two public inputs for any number of elements: a ciphertext other than
    /// the proven one passes only if rho, drawn after it, is a root of their
    /// difference (at most n of R). Each element must be below R.
    function cipherEvaluation(uint256 model, bytes32 keyDigest, uint256 deal, uint256[] calldata cipher)
        internal
        pure
        returns (uint256 rho, uint256 s)
    {
        rho = uint256(keccak256(abi.encodePacked(model, keyDigest, deal, cipher))) >> 3;
        s = 1;
        for (uint256 j = cipher.length; j > 0; j--) {
            uint256 c = cipher[j - 1];
            if (c >= R) revert BadProof(1, "a ciphertext element outside the field");
            s = addmod(mulmod(s, rho, R), c, R);
        }
    }

    /// Reveals the key of the delivered ciphertext and pays the payee: the
    /// key's SHA-256 (of its 32 big-endian bytes) must be the digest the
    /// delivery proof bound. Anyone may send it; the payment goes to the
    /// payee. Within the grace period after the deadline at most.
    function settle(uint256 id, uint256 key) external {
        Offer storage o = offers[id];
        if (o.closed) revert Closed(id);
        if (o.payee == address(0)) revert NotDelivered(id);
        if (block.timestamp > o.deadline + GRACE) revert PastDeadline(o.deadline + GRACE);
        if (sha256(abi.encodePacked(key)) != o.keyDigest) revert WrongKey(id);
        o.closed = true;
        uint256 payment = o.payment;
        emit Settled(id, o.payee, o.model, payment, key);
        (bool ok,) = payable(o.payee).call{value: payment}("");
        require(ok, "payment failed");
    }

    function checkScore(Offer storage o, Terms calldata t, ScoreProof calldata score) internal view {
        checkScoreInputs(t, o.model, score.input);
        if (!verify(0, t.scoreVerifier, score.proof, score.input)) revert BadProof(0, "score rejected by the verifier");
    }

    /// Checks a score's public inputs against the terms, for the given
    /// final model.
    function checkScoreInputs(Terms calldata t, uint256 model, uint256[] calldata input) internal view {
        if (input.length != t.scoreInputs) revert BadProof(0, "not the score shape of the terms");
        if (input[0] != t.heldoutRoot || input[1] != t.heldoutRows) revert BadProof(0, "another held-out set");
        if (input[2] != model) revert BadProof(0, "not the final model");
        checkClaims(t, input[input.length - 1], input.length == 5 ? input[3] : 0);
    }

    /// Checks the inputs of a score folded into the last chain proof:
    /// held-out root, rows, [summed loss,] correct answers. It has no model
    /// input: the circuit scores the model the chain reaches, its ModelLast.
    function checkFoldedScore(Terms calldata t, uint256[] calldata input) internal view {
        if (input.length + 1 != t.scoreInputs) revert BadProof(0, "not the score shape of the terms");
        if (input[0] != t.heldoutRoot || input[1] != t.heldoutRows) revert BadProof(0, "another held-out set");
        checkClaims(t, input[input.length - 1], input.length == 4 ? input[2] : 0);
    }

    /// Checks a proven score (correct answers, summed loss) against the
    /// terms' target.
    function checkClaims(Terms calldata t, uint256 correct, uint256 lossSum) internal view {
        if (correct < t.minCorrect) revert ScoreTooLow("too few correct");
        if (t.maxLossSum != 0 && lossSum > t.maxLossSum) revert ScoreTooLow("loss too high");
    }

    /// Returns an unsettled payment to the buyer after the deadline, or, when
    /// every step was proven by then, after the grace period.
    function refund(uint256 id) external {
        Offer storage o = offers[id];
        if (o.closed) revert Closed(id);
        if (block.timestamp <= o.deadline) revert NotYet(o.deadline);
        if (o.step == o.steps && block.timestamp <= o.deadline + GRACE) revert NotYet(o.deadline + GRACE);
        o.closed = true;
        emit Refunded(id, o.payment);
        (bool ok,) = payable(o.buyer).call{value: o.payment}("");
        require(ok, "refund failed");
    }

    /// The offer id, open to proofs from msg.sender, whose terms t restates.
    function open(uint256 id, Terms calldata t) internal view returns (Offer storage o) {
        o = offers[id];
        if (o.closed) revert Closed(id);
        if (o.seller != address(0) && o.seller != msg.sender) revert NotSeller(msg.sender);
        if (block.timestamp > o.deadline) revert PastDeadline(o.deadline);
        if (restated(36) != o.termsHash) revert NotTheTerms(id);
    }

    /// TERMS_BYTES is the size of Terms' ABI encoding: 22 static words
    /// (offer refuses terms whose encoding is not these words).
    uint256 internal constant TERMS_BYTES = 22 * 32;

    /// The hash of the terms as the call's data holds them at offset at (4
    /// in offer, 36 after an id): keccak256 of the raw words, without
    /// decoding them again. offer checks that the raw words it hashes are
    /// abi.encode of its terms, so a restated encoding hashes to the offer's
    /// hash only if it is that encoding (or keccak256 collides).
    function restated(uint256 at) internal pure returns (bytes32 h) {
        assembly {
            let p := mload(0x40)
            calldatacopy(p, at, TERMS_BYTES)
            h := keccak256(p, TERMS_BYTES)
        }
    }

    /// Calls gnark's verifyProof(bytes, uint256[N]) (it reverts on a bad
    /// proof) with VERIFY_GAS forwarded (and INPUT_GAS per input above 8);
    /// it reverts LowGas(index) first when less is left, so that an honest
    /// proof never fails for want of gas forwarded.
    function verify(uint256 index, address verifier, bytes calldata proof, uint256[] memory input) internal view returns (bool ok) {
        uint256 cap = VERIFY_GAS + (input.length > 8 ? INPUT_GAS * (input.length - 8) : 0);
        if (gasleft() < cap + cap / 63 + 20_000) revert LowGas(index, gasleft());
        bytes4 selector = bytes4(keccak256(abi.encodePacked("verifyProof(bytes,uint256[", decimal(input.length), "])")));
        bytes memory data = abi.encodePacked(selector, 32 * (1 + input.length), input, proof.length, proof, new bytes((32 - proof.length % 32) % 32));
        (ok,) = verifier.staticcall{gas: cap}(data);
    }

    function decimal(uint256 v) internal pure returns (bytes memory s) {
        if (v == 0) return "0";
        for (; v > 0; v /= 10) {
            s = abi.encodePacked(bytes1(uint8(48 + v % 10)), s);
        }
    }
}
