// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Sale: a trained model bought in one transaction, on one proof.
/// @notice A buyer offers a payment for the final model of a run proven in
/// one proof (circuits/chain.Sold: the whole run's steps, its held-out
/// score and the model handed over). The run's terms are not stored nor
/// restated: they are folded into the verifier (its public inputs that the
/// terms give, the training set's root, the learning rate, the schedule,
/// the initial model, the held-out set, and the score target, are summed
/// into the key's constant point by onchain.FoldInputs, so the verifier
/// takes three inputs), and the offer pins that verifier's code hash,
/// compiled by the buyer from keys it derived for its terms and target: the
/// proof shows the score meets the target, and the score itself stays
/// private. The offer itself is one storage slot: the hash of the deal
/// (buyer, seller, deadline, payment, verifier, model size, carrier); the
/// deal is in the offer's calldata, which the `Offered` event points to,
/// and every later call restates it.
///
/// `sell` carries the proof, the final model's commitment and the model
/// itself, its n packed elements in the clear. The contract derives
/// ρ = keccak256(model ‖ msg.sender ‖ W) >> 3 and S = ρ^n + Σ W_j·ρ^j and
/// verifies the proof on (model, ρ, S): a proof is made for
/// one sender and one model, so one copied from the mempool or the chain
/// is worth nothing to anyone else (and only the offer's seller may sell).
/// On success the seller is paid in the
/// same transaction: the exchange is atomic, and there is no key to
/// reveal. The model stays in that transaction's calldata, which the
/// `Sold` event points to (an event would pay 8 gas more per byte for a
/// second copy).
///
/// `sellBlob` carries the model in the transaction's EIP-4844 blob instead
/// (a deal with `blob` set, whose verifier is of circuits/chain's
/// NewBlobSold): the contract derives z = keccak256(h ‖ model ‖ msg.sender)
/// >> 3 from the blob's versioned hash h (`blobhash(0)`), has the point
/// evaluation precompile check the blob's value y at z against h and the
/// seller's KZG commitment and opening, and verifies the proof on (model,
/// z, y mod r): the circuit computes the same value from the
/// committed model. The model's bytes then cost blob gas, priced in its own
/// market, instead of calldata at 16 gas a byte; the precompile costs
/// 50,000. The buyer reads the blob from the network, which keeps blobs
/// about 18 days (4096 epochs), against the versioned hash the `Sold` event
/// names.
///
/// Whose keys: the buyer's own one-party setup of the sale circuit (it
/// gives the seller the proving key). Whoever knows the trapdoor can forge
/// a sale, but a forged sale pays the offer's seller, whom the offer names,
/// so the buyer has nothing to gain by it; an offer open to any seller
/// would let the buyer sell to itself, and is refused.
///
/// What the seller risks: the model is in the transaction's calldata,
/// which stays readable if the transaction reverts. Before the deadline
/// nothing but the seller's own mistakes can make an honest sale revert
/// (the buyer's refund waits for the deadline), and the seller can run the
/// call first. Delivery by fair exchange in two transactions
/// (Settlement.sol) reveals only a ciphertext on failure.
contract Sale {
    struct Deal {
        address buyer;
        address seller; // the only one who may sell
        uint64 deadline;
        uint256 payment;
        address verifier; // the sale circuit's verifier with the terms and the score target folded in
        bytes32 verifierCode; // its runtime code's hash, as the buyer compiled it
        uint64 elements; // the final model's packed elements
        bool blob; // the model is carried in a blob (sellBlob), not in calldata (sell)
    }

    /// Gas forwarded to the verifier: an honest verification uses about
    /// 300,000 (onchain.BatchCommitmentCheck's verifier); a malformed proof point makes the pairing precompile consume
    /// all the gas it is given.
    uint256 public constant VERIFY_GAS = 450_000;

    /// BN254's scalar field.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// The point evaluation precompile (EIP-4844) and the blob field's modulus.
    address internal constant POINT_EVALUATION = address(0x0a);
    uint256 internal constant BLS_MODULUS = 52435875175126190479447740508185965837690552500527637822603658699938581184513;
    uint256 internal constant BLOB_WIDTH = 4096;

    /// Open offers: the hash of each deal (its id) is set until it is sold
    /// or refunded.
    mapping(bytes32 => bool) public open;

    /// The deal is the offer's calldata.
    event Offered(bytes32 indexed id, address indexed seller);
    /// blob: the versioned hash of the blob that carried the model (zero: calldata).
    event Sold(bytes32 indexed id, address indexed seller, uint256 model, bytes32 blob);
    event Refunded(bytes32 indexed id);

    error NotOpen(bytes32 id);
    error NotSeller(address caller);
    error PastDeadline(uint64 deadline);
    error NotYet(uint64 deadline);
    error BadProof(string what);
    error LowGas(uint256 left);

    /// Opens an offer of msg.value for the deal; its id is the deal's hash.
    function offer(Deal calldata d) external payable returns (bytes32 id) {
        require(d.buyer == msg.sender && d.payment == msg.value && msg.value > 0, "the deal's buyer and payment are the sender's");
        require(d.seller != address(0), "an offer names its seller");
        require(d.elements > 0 && d.deadline > block.timestamp, "no model or a past deadline");
        require(!d.blob || d.elements <= BLOB_WIDTH, "a model larger than a blob");
        // a call to an address without code succeeds: it would accept any proof
        require(d.verifier.code.length > 0 && d.verifier.codehash == d.verifierCode, "verifier code differs from the deal's");
        id = keccak256(abi.encode(d));
        require(!open[id], "the same deal is already open");
        open[id] = true;
        emit Offered(id, d.seller);
    }

    /// Sells the final model: verifies the proof on the model's commitment
    /// and the challenge and evaluation of the weights for msg.sender, then
    /// pays msg.sender.
    function sell(Deal calldata d, bytes calldata proof, uint256 model, uint256[] calldata weights) external {
        bytes32 id = checkDeal(d, false);
        if (weights.length != d.elements) revert BadProof("not the model's size");
        (uint256 rho, uint256 s) = evaluation(model, msg.sender, weights);
        if (!verify(d.verifier, proof, model, rho, s)) revert BadProof("rejected by the verifier");
        pay(id, d, model, 0);
    }

    /// kzg: the blob's KZG commitment and the opening at z (48 bytes each);
    /// y: the blob's value at z.
    function sellBlob(Deal calldata d, bytes calldata proof, uint256 model, uint256 y, bytes calldata kzg) external {
        bytes32 id = checkDeal(d, true);
        (bytes32 h, uint256 z) = openBlob(model, y, kzg);
        if (!verify(d.verifier, proof, model, z, y % R)) revert BadProof("rejected by the verifier");
        pay(id, d, model, h);
    }

    /// openBlob derives the point z from the transaction's blob, the model
    /// and the sender, and has the precompile check the blob's value y there.
    function openBlob(uint256 model, uint256 y, bytes calldata kzg) internal view returns (bytes32 h, uint256 z) {
        h = blobhash(0);
        if (h == 0) revert BadProof("no blob");
        z = uint256(keccak256(abi.encodePacked(h, model, uint256(uint160(msg.sender))))) >> 3;
        if (kzg.length != 96 || y >= BLS_MODULUS) revert BadProof("not a KZG commitment, opening and value");
        (bool ok, bytes memory ret) = POINT_EVALUATION.staticcall(abi.encodePacked(h, z, y, kzg));
        if (!ok || ret.length != 64 || uint256(bytes32(ret)) != BLOB_WIDTH) revert BadProof("the blob's value at the point");
    }

    /// checkDeal refuses a sale of a deal not open, by another than its
    /// seller, late, or carried otherwise than the deal says; it returns the
    /// deal's id.
    function checkDeal(Deal calldata d, bool blob) internal view returns (bytes32 id) {
        id = keccak256(abi.encode(d));
        if (!open[id]) revert NotOpen(id);
        if (d.seller != msg.sender) revert NotSeller(msg.sender);
        if (block.timestamp > d.deadline) revert PastDeadline(d.deadline);
        if (d.blob != blob) revert BadProof(blob ? "the deal carries the model in calldata" : "the deal carries the model in a blob");
    }

    /// pay closes the deal and pays its seller.
    function pay(bytes32 id, Deal calldata d, uint256 model, bytes32 blob) internal {
        delete open[id];
        emit Sold(id, msg.sender, model, blob);
        (bool ok,) = payable(msg.sender).call{value: d.payment}("");
        require(ok, "payment failed");
    }

    function refund(Deal calldata d) external {
        bytes32 id = keccak256(abi.encode(d));
        if (!open[id]) revert NotOpen(id);
        if (block.timestamp <= d.deadline) revert NotYet(d.deadline);
        delete open[id];
        emit Refunded(id);
        (bool ok,) = payable(d.buyer).call{value: d.payment}("");
        require(ok, "refund failed");
    }

    /// ρ = keccak256(model ‖ payee ‖ W) >> 3 and S = ρ^n + Σ W_j·ρ^j mod R
    /// (circuits/chain.SaleChallenge); an element not below R is refused.
    /// evaluation is ρ = keccak256(model ‖ payee ‖ W) >> 3 and S = ρ^n + Σ W_j·ρ^j by
    /// Horner's rule, in assembly: about 40 gas an element, against 300 for Solidity's checked loop.
    function evaluation(uint256 model, address payee, uint256[] calldata w) internal pure returns (uint256 rho, uint256 s) {
        bool outside;
        assembly ("memory-safe") {
            let n := w.length
            let ptr := mload(0x40)
            mstore(ptr, model)
            mstore(add(ptr, 0x20), payee)
            calldatacopy(add(ptr, 0x40), w.offset, shl(5, n))
            rho := shr(3, keccak256(ptr, add(0x40, shl(5, n))))
            s := 1
            let r := R // once: the compiler reads a constant from code at each use
            for { let at := add(w.offset, shl(5, n)) } gt(at, w.offset) {} {
                at := sub(at, 0x20)
                let c := calldataload(at)
                outside := or(outside, iszero(lt(c, r)))
                s := addmod(mulmod(s, rho, r), c, r)
            }
        }
        if (outside) revert BadProof("a model element outside the field");
    }

    /// verify calls the deal's verifier (gnark's verifyProof(bytes, uint256[3]))
    /// on the proof and its three inputs.
    function verify(address verifier, bytes calldata proof, uint256 model, uint256 a, uint256 b) internal view returns (bool ok) {
        if (gasleft() < VERIFY_GAS + VERIFY_GAS / 63 + 10_000) revert LowGas(gasleft());
        bytes memory data = abi.encodeWithSignature("verifyProof(bytes,uint256[3])", proof, [model, a, b]);
        (ok,) = verifier.staticcall{gas: VERIFY_GAS}(data);
    }
}
